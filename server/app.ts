import express from 'express';
import { assetsRouter } from './api/assets.ts';
import { authRouter } from './api/auth.ts';
import { dataRouter } from './api/data.ts';
import { serverEventsRouter } from './api/events.ts';
import { ingestRouter } from './api/ingest.ts';
import { insightsRouter } from './api/insights.ts';
import { openApiRouter } from './api/openapi.ts';
import { projectsRouter } from './api/projects.ts';
import { sessionsRouter } from './api/sessions.ts';
import { settingsRouter } from './api/settings.ts';
import { webhooksRouter } from './api/webhooks.ts';
import type { Config } from './config.ts';
import { requireLogin } from './http/auth.ts';
import { errorMiddleware, notFound } from './http/errors.ts';
import { LoginLimiter } from './http/login-limit.ts';
import { rateLimits } from './http/rate-limit.ts';
import { requireSameOrigin } from './http/same-origin.ts';
import { securityHeaders } from './http/security-headers.ts';
import { staticRouter } from './http/static.ts';
import { createOutboundPolicy, type OutboundPolicy } from './outbound/policy.ts';
import type { Store } from './storage/store.ts';

/**
 * The whole HTTP application over a store; `main.ts` listens with it, tests mount it over an in-memory database.
 * `outbound` is the policy every request to a configured URL goes through; it defaults to one over `config.outbound`
 * (tests pass their own, with a resolver that knows their made-up host names).
 */
export function createApp({
  store,
  config,
  outbound = createOutboundPolicy(config.outbound),
}: {
  store: Store;
  config: Config;
  outbound?: OutboundPolicy;
}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders(), rateLimits(config));
  const limiter = new LoginLimiter(config);
  // Before every router: a route added later is protected without having to remember it.
  app.use(requireLogin({ store, config, limiter }), requireSameOrigin(config));
  app.use(authRouter({ store, config, limiter }));
  app.use(ingestRouter({ store, config }));
  app.use(serverEventsRouter({ store, config }));
  app.use(sessionsRouter({ store, config }));
  app.use(insightsRouter({ store, config }));
  app.use(settingsRouter({ store }));
  app.use(dataRouter({ store, config }));
  app.use(projectsRouter({ store }));
  app.use(assetsRouter({ store, config, outbound }));
  app.use(webhooksRouter({ store, outbound }));
  app.use(openApiRouter());
  app.use('/api', notFound);
  app.use(staticRouter(config));
  app.use(notFound);
  app.use(errorMiddleware);
  return app;
}
