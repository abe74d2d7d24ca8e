/**
 * The webhook routes and the dispatcher, against a real local receiver: subscriptions, the test event, signatures
 * that verify, retries with backoff after a 500, giving up, and the delivery log that says what happened.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type {
  DeliveryLog,
  DeliveryLogEntry,
  WebhookCreated,
  WebhookList,
  WebhookPayload,
  WebhookTestQueued,
} from '../../contract/webhooks.ts';
import { defaultConfig } from '../../server/config.ts';
import { createWebhookDispatcher, type DispatcherOptions } from '../../server/webhooks/dispatcher.ts';
import { verifySignature } from '../../server/webhooks/signing.ts';
import { findFreePort } from '../helpers/child-server.ts';
import { ALLOW_LOCAL_RECEIVERS } from '../../support/outbound.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { expectApiError } from './support.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function send(server: TestServer, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Response> {
  return adminFetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function createWebhook(server: TestServer, url: string, events = ['rage_click']): Promise<WebhookCreated> {
  const response = await send(server, 'POST', '/api/webhooks', { url, events });
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body as WebhookCreated;
}

async function deliveries(server: TestServer, webhookId: number): Promise<DeliveryLogEntry[]> {
  const response = await send(server, 'GET', `/api/webhooks/${webhookId}/deliveries`);
  expect(response.status).toBe(200);
  return ((await response.json()) as DeliveryLog).deliveries;
}

async function sendTest(server: TestServer, webhookId: number): Promise<string> {
  const response = await send(server, 'POST', `/api/webhooks/${webhookId}/test`);
  expect(response.status).toBe(202);
  return ((await response.json()) as WebhookTestQueued).eventId;
}

function dispatcherFor(server: TestServer, overrides: Partial<DispatcherOptions> = {}) {
  return createWebhookDispatcher(server.store, {
    ...defaultConfig.webhooks,
    backoffBaseMs: 100,
    jitterRatio: 0,
    timeoutMs: 2000,
    leaseMs: 5000,
    publicUrl: server.url,
    outbound: server.outbound,
    ...overrides,
  });
}

describe('GET/POST /api/webhooks, DELETE /api/webhooks/:id', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('creates a webhook, shows its secret once, lists it without the secret, and deletes it', async () => {
    const { webhook, secret } = await createWebhook(server, 'https://hooks.example/sightline', ['cart_abandoned', 'rage_click']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({ url: 'https://hooks.example/sightline', events: ['cart_abandoned', 'rage_click'] });

    const listed = await send(server, 'GET', '/api/webhooks');
    const text = await listed.text();
    expect((JSON.parse(text) as WebhookList).webhooks).toEqual([webhook]);
    expect(text).not.toContain(secret);

    expect((await send(server, 'DELETE', `/api/webhooks/${webhook.id}`)).status).toBe(204);
    expect(((await (await send(server, 'GET', '/api/webhooks')).json()) as WebhookList).webhooks).toEqual([]);
    await expectApiError(await send(server, 'DELETE', `/api/webhooks/${webhook.id}`), 404, 'webhook_not_found');
  });

  test.each([
    ['a non-http URL', { url: 'ftp://hooks.example/x', events: ['rage_click'] }],
    ['a javascript: URL', { url: 'javascript:alert(1)', events: ['rage_click'] }],
    ['not a URL', { url: 'hooks.example', events: ['rage_click'] }],
    ['an unknown event', { url: 'https://hooks.example', events: ['page_view'] }],
    ['no event', { url: 'https://hooks.example', events: [] }],
    ['an event twice', { url: 'https://hooks.example', events: ['rage_click', 'rage_click'] }],
    ['an unknown field', { url: 'https://hooks.example', events: ['rage_click'], secret: 'mine' }],
  ])('refuses %s with 400 invalid_body', async (_name, body) => {
    await expectApiError(await send(server, 'POST', '/api/webhooks', body), 400, 'invalid_body');
  });

  test('answers 404 for an unknown id or project, and 401 without the admin', async () => {
    await expectApiError(await send(server, 'POST', '/api/webhooks/999/test'), 404, 'webhook_not_found');
    await expectApiError(await send(server, 'GET', '/api/webhooks/abc/deliveries'), 404, 'webhook_not_found');
    await expectApiError(await send(server, 'GET', '/api/webhooks?project=nope'), 404, 'unknown_project');
    const anonymous = await fetch(`${server.url}/api/webhooks`);
    await expectApiError(anonymous, 401, 'login_required');
  });

  test('refuses a webhook past the per-project limit with 409', async () => {
    const created = [];
    for (let index = 0; index < 20; index++) created.push(await createWebhook(server, `https://hooks.example/${index}`));
    const response = await send(server, 'POST', '/api/webhooks', { url: 'https://hooks.example/21', events: ['rage_click'] });
    await expectApiError(response, 409, 'too_many_webhooks');
    for (const { webhook } of created) await send(server, 'DELETE', `/api/webhooks/${webhook.id}`);
  });
});

describe('webhook delivery to a real receiver', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    server = await startTestServer(ALLOW_LOCAL_RECEIVERS);
    receiver = await startWebhookReceiver();
  });
  // Each test starts with no webhook, so no delivery left pending by one is claimed by the next.
  afterEach(async () => {
    const { webhooks } = (await (await send(server, 'GET', '/api/webhooks')).json()) as WebhookList;
    for (const { id } of webhooks) await send(server, 'DELETE', `/api/webhooks/${id}`);
    receiver.requests.length = 0;
    receiver.answerWith(() => 200);
  });
  afterAll(async () => {
    await receiver.close();
    await server.close();
  });

  test('a test event arrives signed: the signature verifies with the secret, not with another or when old', async () => {
    const { webhook, secret } = await createWebhook(server, receiver.url, ['form_abandoned']);
    const eventId = await sendTest(server, webhook.id);
    expect(eventId).toMatch(/^evt_/);
    expect((await deliveries(server, webhook.id)).map((d) => [d.eventId, d.status, d.attempts])).toEqual([[eventId, 'pending', 0]]);

    expect(await dispatcherFor(server).runOnce()).toBe(1);
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect({ id: request.eventId, type: request.eventType }).toEqual({ id: eventId, type: 'test' });
    const payload = JSON.parse(request.body) as WebhookPayload;
    expect(payload).toMatchObject({ id: eventId, type: 'test', project: 'demo', session: null });

    expect(verifySignature(secret, request.signature, request.body, request.at)).toBe(true);
    expect(verifySignature(`${secret}x`, request.signature, request.body, request.at)).toBe(false);
    expect(verifySignature(secret, request.signature, request.body.replace('test', 'tost'), request.at)).toBe(false);
    expect(verifySignature(secret, request.signature, request.body, request.at + 10 * 60_000)).toBe(false);

    const [logged] = await deliveries(server, webhook.id);
    expect(logged).toMatchObject({ eventId, type: 'test', status: 'delivered', attempts: 1, lastStatus: 200, lastError: null, nextAttemptAt: null });
  });

  test('a receiver answering 500 then 200 gets the event again after the backoff, and it is recorded delivered once', async () => {
    const { webhook } = await createWebhook(server, receiver.url);
    receiver.answerWith((request) => (request.index === 0 ? 500 : 200));
    const eventId = await sendTest(server, webhook.id);
    const dispatcher = dispatcherFor(server, { backoffBaseMs: 300 });

    expect(await dispatcher.runOnce()).toBe(1);
    const [failed] = await deliveries(server, webhook.id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500' });
    expect(failed.nextAttemptAt! - failed.updatedAt).toBe(300);
    // Not due before its backoff has passed.
    expect(await dispatcher.runOnce()).toBe(0);

    await sleep(350);
    expect(await dispatcher.runOnce()).toBe(1);
    await sleep(350);
    expect(await dispatcher.runOnce()).toBe(0);

    expect(receiver.requests.map((request) => request.eventId)).toEqual([eventId, eventId]);
    expect(receiver.requests[0].body).toBe(receiver.requests[1].body);
    const log = await deliveries(server, webhook.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ eventId, status: 'delivered', attempts: 2, lastStatus: 200, lastError: null });
  });

  test('gives up once the retry window after the event has passed, and says why in the log', async () => {
    const { webhook } = await createWebhook(server, receiver.url);
    receiver.answerWith(() => 503);
    await sendTest(server, webhook.id);
    const dispatcher = dispatcherFor(server, { backoffBaseMs: 100, retryWindowMs: 250 });
    expect(await dispatcher.runOnce()).toBe(1);
    await sleep(120);
    expect(await dispatcher.runOnce()).toBe(1);
    // The third retry would start past the window: the second failure already marked the delivery failed.
    const [entry] = await deliveries(server, webhook.id);
    expect(entry).toMatchObject({ status: 'failed', attempts: 2, lastStatus: 503, lastError: 'HTTP 503', nextAttemptAt: null });
    await sleep(300);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(receiver.requests).toHaveLength(2);
  });

  test('records a refused connection, a redirect and a timeout as failed attempts', async () => {
    const closedPort = await findFreePort();
    const { webhook: refused } = await createWebhook(server, `http://127.0.0.1:${closedPort}/hook`);
    const { webhook: slow } = await createWebhook(server, receiver.url);
    receiver.answerWith(() => 'hold');
    await sendTest(server, refused.id);
    await sendTest(server, slow.id);
    // A long backoff, so neither is due again while the redirect below is tried.
    expect(await dispatcherFor(server, { timeoutMs: 300, backoffBaseMs: 60_000 }).runOnce()).toBe(2);
    expect((await deliveries(server, refused.id))[0]).toMatchObject({ status: 'pending', lastStatus: null, lastError: 'request failed: ECONNREFUSED' });
    expect((await deliveries(server, slow.id))[0]).toMatchObject({ status: 'pending', lastStatus: null, lastError: 'no answer within 300 ms' });

    receiver.answerWith(() => 302);
    const { webhook: moved } = await createWebhook(server, receiver.url);
    await sendTest(server, moved.id);
    expect(await dispatcherFor(server).runOnce()).toBe(1);
    expect((await deliveries(server, moved.id))[0]).toMatchObject({ status: 'pending', lastStatus: 302, lastError: 'HTTP 302' });
  });

  test('a deleted webhook takes its pending deliveries with it', async () => {
    const { webhook } = await createWebhook(server, receiver.url);
    await sendTest(server, webhook.id);
    expect((await send(server, 'DELETE', `/api/webhooks/${webhook.id}`)).status).toBe(204);
    expect(await dispatcherFor(server).runOnce()).toBe(0);
    expect(receiver.requests).toEqual([]);
  });
});
