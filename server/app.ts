import express from 'express';
import { dataRouter } from './api/data.ts';
import { ingestRouter } from './api/ingest.ts';
import { insightsRouter } from './api/insights.ts';
import { sessionsRouter } from './api/sessions.ts';
import { settingsRouter } from './api/settings.ts';
import type { Config } from './config.ts';
import { errorMiddleware, notFound } from './http/errors.ts';
import { staticRouter } from './http/static.ts';
import type { Store } from './storage/store.ts';

/** The whole HTTP application over a store; `main.ts` listens with it, tests mount it over an in-memory database. */
export function createApp({ store, config }: { store: Store; config: Config }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(ingestRouter({ store, config }));
  app.use(sessionsRouter({ store, config }));
  app.use(insightsRouter({ store }));
  app.use(settingsRouter({ store }));
  app.use(dataRouter({ store, config }));
  app.use('/api', notFound);
  app.use(staticRouter(config));
  app.use(notFound);
  app.use(errorMiddleware);
  return app;
}
