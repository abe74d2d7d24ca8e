import { Router, type Response } from 'express';
import type { Config } from '../config.ts';
import { openCors } from '../http/cors.ts';
import { HttpError } from '../http/errors.ts';
import { BucketTable, refuse, retryAfter } from '../http/rate-limit.ts';
import { readRawBody } from '../http/raw-body.ts';
import { ingestBatch } from '../ingest/ingest.ts';
import type { AppendedChunk } from '../storage/model.ts';
import type { Store } from '../storage/store.ts';
import { asHttpError } from './ingest-errors.ts';

/** What ingest needs of the pipeline (server/pipeline/pipeline.ts), handed in by app.ts. */
export interface IngestPipeline {
  /** Whether acknowledged batches waiting for derivation have reached the configured bound. */
  backlogFull(): boolean;
  /** A batch was stored and queued: derive it. */
  appended(batch: AppendedChunk): void;
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
      appended: (batch) => pipeline.appended(batch),
    }).catch((error: unknown) => {
      throw asHttpError(error);
    });
    res.json(ack);
  });
  return router;
}
