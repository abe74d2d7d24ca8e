import { Router } from 'express';
import { z } from 'zod';
import { computeCheckoutMetrics, defaultCheckoutOptions } from '../analytics/checkout-metrics.ts';
import { requestProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { Store } from '../storage/store.ts';
import type { MetricsResponse } from '../../contract/insights.ts';
import { checkRange, device, projectParam, timeRange } from './query-params.ts';

const metricsQuery = z.strictObject({ device: device.optional(), ...timeRange, ...projectParam }).superRefine(checkRange);

/** GET /api/metrics: checkout metrics per day from tracked add_to_cart and purchase events. */
export function metricsRouter({ store }: { store: Store }): Router {
  const router = Router();
  router.get('/api/metrics', async (req, res) => {
    const query = parseOrThrow(metricsQuery, req.query, 'invalid_query');
    const project = await requestProject(req, store);
    const range = { projectId: project.id, from: query.from, to: query.to, device: query.device };
    const { days, events } = await store.checkoutRows(range, defaultCheckoutOptions);
    const metrics = computeCheckoutMetrics(days, events, defaultCheckoutOptions);
    const body: MetricsResponse = { from: query.from ?? null, to: query.to ?? null, ...metrics };
    res.json(body);
  });
  return router;
}
