import { Router, type Response } from 'express';
import type { Config } from '../config.ts';
import { openCors } from '../http/cors.ts';
import { HttpError } from '../http/errors.ts';
import { BucketTable, refuse, retryAfter } from '../http/rate-limit.ts';
import { readRawBody } from '../http/raw-body.ts';
import { ingestBatch } from '../ingest/ingest.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import type { AppendedChunk } from '../storage/model.ts';
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
      'Acknowledged only after the batch is committed; a re-sent (sessionId, windowId, seq) is stored once. What ' +
      'it shows is derived a moment later (GET /api/status). While too many batches wait for that, 503 with ' +
      "Retry-After: send it again then. The project's key is public: it writes and never reads.",
    access: 'public',
    body: batchSchema,
    bodyTypes: ['text/plain', 'application/json'],
    responses: { 200: '{ ok, sessionId, windowId, seq, duplicate }' },
    errors: {
      400:
        'invalid_gzip, invalid_json, schema_mismatch, too_deep, too_many_events, event_too_large, session_too_long, ' +
        'timestamp_out_of_range or page_keys_too_costly',
      403: 'unknown_project or origin_not_allowed',
      409: 'session_conflict',
      413: 'payload_too_large',
      503: 'backlog_full',
    },
  },
];

/** What ingest needs of the pipeline (server/pipeline/pipeline.ts), handed in by app.ts. */
export interface IngestPipeline {
  /** Whether acknowledged batches waiting for derivation have reached the configured bound. */
  backlogFull(): boolean;
  /** A batch was stored and queued: derive it. */
  appended(batch: AppendedChunk): void;
  /** Whether deriving the events' page keys with these patterns stays within the configured budget. */
  pageKeysWithin(events: readonly RecordedEvent[], patterns: readonly string[]): boolean;
}

/**
 * A full backlog's Retry-After: between these many seconds, spread at random so that the tabs refused in one
 * moment do not all come back in the same one.
 */
export const BACKLOG_RETRY_AFTER_MIN_S = 5;
export const BACKLOG_RETRY_AFTER_SPREAD_S = 10;

/** 503 backlog_full, readable cross-origin with its Retry-After (see refuse in rate-limit.ts). */
function backlogFull(res: Response, limit: number): HttpError {
  const seconds = BACKLOG_RETRY_AFTER_MIN_S + Math.random() * BACKLOG_RETRY_AFTER_SPREAD_S;
  res.setHeader('Retry-After', retryAfter(seconds * 1000));
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  return new HttpError(503, 'backlog_full', `${limit} batches wait for processing; send this one again later`);
}

/** POST /api/ingest: one batch of recorded events from the recorder, gzip or plain JSON, any content type. */
export function ingestRouter({ store, config, pipeline }: { store: Store; config: Config; pipeline: IngestPipeline }): Router {
  const router = Router();
  const byKey = new BucketTable(config.ingestRatePerKey, Date.now, config.rateLimitMaxBuckets);
  router.use('/api/ingest', openCors('POST, OPTIONS'));
  router.post('/api/ingest', async (req, res) => {
    // First, before the body costs anything: refusing is all a server that cannot keep up should do.
    if (pipeline.backlogFull()) throw backlogFull(res, config.maxBacklog);
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
      pageKeysWithin: (events, patterns) => pipeline.pageKeysWithin(events, patterns),
      appended: (batch) => pipeline.appended(batch),
    }).catch((error: unknown) => {
      throw asHttpError(error);
    });
    res.json(ack);
  });
  return router;
}
