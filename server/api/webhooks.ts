import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { requireManage } from '../http/credential.ts';
import { HttpError } from '../http/errors.ts';
import { requestProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { OutboundPolicy } from '../outbound/policy.ts';
import type { Store } from '../storage/store.ts';
import type { Webhook } from '../storage/webhook-store.ts';
import { webhookEventTypes } from '../../contract/vocabulary.ts';
import { requireReachable } from './outbound-check.ts';
import type {
  DeliveryLog,
  WebhookCreated,
  WebhookInfo,
  WebhookList,
  WebhookTestQueued,
} from '../../contract/webhooks.ts';
import type { RouteDoc } from './route-doc.ts';

/** Webhooks per project at most: each event is one delivery per subscribed webhook. */
export const MAX_WEBHOOKS = 20;
/** Longest webhook URL, in characters. */
export const MAX_URL_CHARS = 2048;
/** Delivery log page size: default and largest. */
const DEFAULT_LOG_LIMIT = 50;
const MAX_LOG_LIMIT = 200;

const webhookUrl = z
  .string()
  .trim()
  .max(MAX_URL_CHARS)
  .refine((text) => {
    try {
      const { protocol } = new URL(text);
      return protocol === 'http:' || protocol === 'https:';
    } catch {
      return false;
    }
  }, 'expected an http:// or https:// URL');
const createBody = z.strictObject({
  url: webhookUrl,
  events: z
    .array(z.enum(webhookEventTypes))
    .min(1, 'choose at least one event')
    .refine((events) => new Set(events).size === events.length, 'each event once'),
});
const logQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LOG_LIMIT).default(DEFAULT_LOG_LIMIT),
  offset: z.coerce.number().int().min(0).default(0),
});

function info({ id, url, events, createdAt }: Webhook): WebhookInfo {
  return { id, url, events, createdAt };
}

/** `whsec_` and 32 random bytes: the HMAC key, shown once. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

const tag = 'Webhooks';
const webhookId = { id: "The webhook's id" };
const notFound = { 404: 'webhook_not_found' };
export const webhookRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/webhooks',
    tag,
    summary: "The project's webhooks",
    access: 'read',
    scoped: true,
    responses: { 200: '{ webhooks: [{ id, url, events, createdAt }] }' },
  },
  {
    method: 'post',
    path: '/api/webhooks',
    tag,
    summary: 'Subscribes a URL to events; answers its signing secret, shown this once',
    access: 'manage',
    scoped: true,
    body: createBody,
    responses: { 201: '{ webhook, secret }' },
    errors: {
      400: 'forbidden_address or unresolvable_host: the host is internal or does not resolve',
      409: `too_many_webhooks: past ${MAX_WEBHOOKS}`,
    },
  },
  {
    method: 'delete',
    path: '/api/webhooks/:id',
    tag,
    summary: 'Deletes the webhook and its deliveries, sent or not',
    access: 'manage',
    scoped: true,
    params: webhookId,
    responses: { 204: 'Deleted' },
    errors: notFound,
  },
  {
    method: 'post',
    path: '/api/webhooks/:id/test',
    tag,
    summary: 'Puts a test event in the outbox for this webhook alone',
    access: 'manage',
    scoped: true,
    params: webhookId,
    responses: { 202: '{ eventId }' },
    errors: notFound,
  },
  {
    method: 'get',
    path: '/api/webhooks/:id/deliveries',
    tag,
    summary: 'The delivery log, newest first',
    description: '`status`: `pending` (queued, or retrying at `nextAttemptAt`), `delivered` or `failed`.',
    access: 'read',
    scoped: true,
    params: webhookId,
    query: logQuery,
    responses: { 200: '{ deliveries, limit, offset }' },
    errors: notFound,
  },
];

/**
 * Webhook subscriptions of the request's project: GET/POST /api/webhooks, DELETE /api/webhooks/:id,
 * POST /api/webhooks/:id/test and GET /api/webhooks/:id/deliveries.
 */
export function webhooksRouter({ store, outbound }: { store: Store; outbound: OutboundPolicy }): Router {
  const router = Router();

  /** The webhook the path names, of the request's project; 404 otherwise (another project's is not shown either). */
  async function namedWebhook(req: express.Request): Promise<Webhook> {
    const project = await requestProject(req, store);
    const raw = String(req.params.id);
    const webhook = /^\d{1,15}$/.test(raw) ? await store.getWebhook(project.id, Number(raw)) : undefined;
    if (!webhook) throw new HttpError(404, 'webhook_not_found', `No webhook with id "${raw}" in project "${project.key}"`);
    return webhook;
  }

  router.get('/api/webhooks', async (req, res) => {
    const project = await requestProject(req, store);
    const body: WebhookList = { webhooks: (await store.listWebhooks(project.id)).map(info) };
    res.json(body);
  });

  router.post('/api/webhooks', requireManage, express.json({ limit: '16kb' }), async (req, res) => {
    const project = await requestProject(req, store);
    const { url, events } = parseOrThrow(createBody, req.body, 'invalid_body');
    if ((await store.countWebhooks(project.id)) >= MAX_WEBHOOKS) {
      throw new HttpError(409, 'too_many_webhooks', `A project may have ${MAX_WEBHOOKS} webhooks; delete one first`);
    }
    await requireReachable(outbound, [{ field: 'url', url: new URL(url) }]);
    const secret = newSecret();
    const webhook = await store.createWebhook({ projectId: project.id, url, events, secret, createdAt: Date.now() });
    const body: WebhookCreated = { webhook: info(webhook), secret };
    res.status(201).json(body);
  });

  router.delete('/api/webhooks/:id', requireManage, async (req, res) => {
    const webhook = await namedWebhook(req);
    await store.deleteWebhook(webhook.projectId, webhook.id);
    res.status(204).end();
  });

  router.post('/api/webhooks/:id/test', requireManage, async (req, res) => {
    const webhook = await namedWebhook(req);
    const draft = { type: 'test' as const, sessionId: null, moment: null, data: { message: 'A test event from Sightline', webhookId: webhook.id } };
    const body: WebhookTestQueued = { eventId: await store.enqueueWebhookEvent(webhook.id, webhook.projectId, draft, Date.now()) };
    res.status(202).json(body);
  });

  router.get('/api/webhooks/:id/deliveries', async (req, res) => {
    const webhook = await namedWebhook(req);
    const { limit, offset } = parseOrThrow(logQuery, req.query, 'invalid_query');
    const body: DeliveryLog = { deliveries: await store.listDeliveries(webhook.id, limit, offset), limit, offset };
    res.json(body);
  });

  return router;
}
