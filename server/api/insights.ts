import { Router } from 'express';
import type { Config } from '../config.ts';
import type { Store } from '../storage/store.ts';
import { formsRouter } from './forms.ts';
import { funnelsRouter } from './funnels.ts';
import { heatmapsRouter } from './heatmaps.ts';
import { metricsRouter } from './metrics.ts';

/** The insight reports: heatmaps and scroll map, forms, funnels, checkout metrics. */
export function insightsRouter({ store, config }: { store: Store; config: Config }): Router {
  const router = Router();
  router.use(heatmapsRouter({ store, config }));
  router.use(formsRouter({ store }));
  router.use(funnelsRouter({ store, config }));
  router.use(metricsRouter({ store }));
  return router;
}
