import { Router } from 'express';
import type { Config } from '../config.ts';
import { openCors } from '../http/cors.ts';
import { BucketTable, refuse } from '../http/rate-limit.ts';
import { readRawBody } from '../http/raw-body.ts';
import { ingestBatch } from '../ingest/ingest.ts';
import type { Store } from '../storage/store.ts';
import { asHttpError } from './ingest-errors.ts';

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
