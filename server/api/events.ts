import express, { Router, type RequestHandler } from 'express';
import { scoreSession } from '../analytics/friction.ts';
import { generateServerKey, projectOfServerKey, serverKeyHash } from '../auth/server-key.ts';
import type { Config } from '../config.ts';
import { requireAdmin } from '../http/credential.ts';
import { HttpError } from '../http/errors.ts';
import { unknownProject } from '../http/project-scope.ts';
import { BucketTable, refuse } from '../http/rate-limit.ts';
import { readServerEvents } from '../ingest/server-events.ts';
import type { Project } from '../storage/model.ts';
import type { Store } from '../storage/store.ts';
import { asHttpError } from './ingest-errors.ts';
import type { ServerEventsAck, ServerKeyResponse } from '../../contract/access.ts';
import type { RouteDoc } from './route-doc.ts';
import { serverEventsBody } from '../ingest/server-events.ts';

const invalidServerKey = () =>
  new HttpError(401, 'invalid_server_key', "Send the project's server key as Authorization: Bearer <key>");

export const serverEventRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/projects/:key/server-key',
    tag: 'Server events',
    summary: "Makes or replaces the project's server key, shown this once",
    description: 'The old key stops working at once; only its SHA-256 is stored.',
    access: 'admin',
    params: { key: "The project's key" },
    responses: { 201: '{ serverKey }' },
    errors: { 404: 'unknown_project' },
  },
  {
    method: 'post',
    path: '/api/events',
    tag: 'Server events',
    summary: "A store backend's events (orders, refunds): one event, or { events: [...] }",
    description:
      'Idempotent per event `id`. An event for a session not recorded yet counts once its session arrives, and ' +
      'meanwhile in checkout metrics. Any content type is read as JSON.',
    access: 'server_key',
    body: serverEventsBody,
    responses: { 200: '{ ok, created, duplicates, withoutSession }' },
    errors: {
      400: 'invalid_event, too_deep, too_many_events or timestamp_out_of_range',
      401: 'invalid_server_key',
      409: 'session_conflict: the session belongs to another project',
    },
  },
];

/**
 * The project's server key, and the route a store's backend sends events to. The key route needs the admin (the
 * login guard sees to it); the events route is public to that guard and takes only a server key: never an ingest
 * key, which is public, nor the admin token, which should not live in a shop's backend.
 */
export function serverEventsRouter({ store, config }: { store: Store; config: Config }): Router {
  const router = Router();
  const byProject = new BucketTable(config.eventsRatePerKey, Date.now, config.rateLimitMaxBuckets);

  router.post('/api/projects/:key/server-key', async (req, res) => {
    // A server key writes trusted orders and refunds: only the admin hands one out, as with viewer tokens.
    requireAdmin(req);
    const key = String(req.params.key);
    const serverKey = generateServerKey();
    if (!(await store.setServerKeyHash(key, serverKeyHash(serverKey)))) throw unknownProject(key);
    res.setHeader('Cache-Control', 'no-store');
    const body: ServerKeyResponse = { serverKey };
    res.status(201).json(body);
  });

  const requireServerKey: RequestHandler = async (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const project = match ? projectOfServerKey(match[1]!, await store.listProjects()) : undefined;
    if (!project) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="sightline-events"');
      throw invalidServerKey();
    }
    // Only a valid key gets a bucket, so random keys cannot grow the limiter's memory.
    const taken = byProject.take(String(project.id));
    if (!taken.allowed) throw refuse(res, taken.retryAfterMs, 'for this server key');
    res.locals.project = project;
    next();
  };

  // Any content type is read as JSON: backends' HTTP clients differ in what they send by default.
  const json = express.json({ limit: config.maxBodyBytes, type: () => true });

  router.post('/api/events', requireServerKey, json, async (req, res) => {
    const project = res.locals.project as Project;
    const now = Date.now();
    const limits = { maxEvents: config.maxServerEventsPerRequest, maxNestingDepth: config.maxNestingDepth, now, window: config };
    let events: ReturnType<typeof readServerEvents>;
    try {
      events = readServerEvents(req.body, limits);
    } catch (error) {
      throw asHttpError(error);
    }
    const saved = await store.saveServerEvents(project.id, events, now, scoreSession);
    if (saved.outcome === 'session_conflict') {
      const at = Array.isArray(req.body?.events) ? `events[${saved.index}].sessionId` : 'sessionId';
      throw new HttpError(409, 'session_conflict', `${at}: session ${events[saved.index]!.sessionId} belongs to another project`);
    }
    const { created, duplicates, withoutSession } = saved;
    const body: ServerEventsAck = { ok: true, created, duplicates, withoutSession };
    res.json(body);
  });

  return router;
}
