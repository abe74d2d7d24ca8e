import { Router } from 'express';
import type { Config } from '../config.ts';
import { openCors } from '../http/cors.ts';
import { BucketTable, refuse } from '../http/rate-limit.ts';
import { readRawBody } from '../http/raw-body.ts';
import { ingestBatch } from '../ingest/ingest.ts';
import type { Store } from '../storage/store.ts';
import { asHttpError } from './ingest-errors.ts';
import type { RouteDoc } from './route-doc.ts';
import { batchSchema } from '../ingest/schema.ts';

export const ingestRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/ingest',
    tag: 'Recording',
    summary: 'One batch of recorded events from the recorder, gzip or plain JSON in any content type',
    description:
      'Acknowledged only after the batch is committed; a re-sent (sessionId, windowId, seq) is stored once. The ' +
      "project's key is public: it writes and never reads.",
    access: 'public',
    body: batchSchema,
    bodyTypes: ['text/plain', 'application/json'],
    responses: { 200: '{ ok, sessionId, windowId, seq, duplicate }' },
    errors: {
      400:
        'invalid_gzip, invalid_json, schema_mismatch, too_deep, too_many_events, event_too_large, session_too_long ' +
        'or timestamp_out_of_range',
      403: 'unknown_project or origin_not_allowed',
      409: 'session_conflict',
      413: 'payload_too_large',
    },
  },
];

/** POST /api/ingest: one batch of recorded events from the recorder, gzip or plain JSON, any content type. */
export function ingestRouter({ store, config }: { store: Store; config: Config }): Router {
  const router = Router();
  const byKey = new BucketTable(config.ingestRatePerKey, Date.now, config.rateLimitMaxBuckets);
  router.use('/api/ingest', openCors('POST, OPTIONS'));
  router.post('/api/ingest', async (req, res) => {
    const body = await readRawBody(req, config.maxBodyBytes);
    const ack = await ingestBatch(body, {
      store,
      config,
      userAgent: req.get('user-agent'),
      now: Date.now(),
      origin: req.get('origin'),
      admitProject: (key) => {
        const taken = byKey.take(key);
        if (!taken.allowed) throw refuse(res, taken.retryAfterMs, 'for this ingest key');
      },
    }).catch((error: unknown) => {
      throw asHttpError(error);
    });
    res.json(ack);
  });
  return router;
}
