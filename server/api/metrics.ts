import { Router } from 'express';
import { z } from 'zod';
import { checkoutMetricsFromTotals } from '../analytics/checkout-metrics.ts';
import { requestProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { Store } from '../storage/store.ts';
import type { MetricsResponse } from '../../contract/insights.ts';
import type { RouteDoc } from './route-doc.ts';
import { checkRange, device, projectParam, timeRange } from './query-params.ts';

const metricsQuery = z.strictObject({ device: device.optional(), ...timeRange, ...projectParam }).superRefine(checkRange);

export const metricRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/metrics',
    tag: 'Checkout',
    summary: 'Checkout metrics per day and in total',
    description:
      'Sessions, cart and purchase sessions, orders, conversion rate, cart abandonment rate, revenue after refunds, ' +
      'average order value, abandoned cart value, refunds, refunded value and refund rate, from tracked `add_to_cart`, ' +
      '`purchase` and `refund` events (browser and backend). Purchases with the same `orderId` are one order, at the ' +
      "backend's value when it reported one.",
    access: 'read',
    scoped: true,
    query: metricsQuery,
    responses: { 200: '{ from, to, days: [{ day, ...figures }], totals }' },
  },
];

/** GET /api/metrics: checkout metrics per day from tracked add_to_cart and purchase events. */
export function metricsRouter({ store }: { store: Store }): Router {
  const router = Router();
  router.get('/api/metrics', async (req, res) => {
    const query = parseOrThrow(metricsQuery, req.query, 'invalid_query');
    const project = await requestProject(req, store);
    const range = { projectId: project.id, from: query.from, to: query.to, device: query.device };
    const { days, events } = await store.checkoutTotals(range);
    const metrics = checkoutMetricsFromTotals(days, events);
    const body: MetricsResponse = { from: query.from ?? null, to: query.to ?? null, ...metrics };
    res.json(body);
  });
  return router;
}
