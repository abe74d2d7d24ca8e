/** GET /api/openapi.json: the API's OpenAPI 3.1 description, built once from every router's RouteDocs. */
import { readFileSync } from 'node:fs';
import { Router } from 'express';
import { assetRoutes } from './assets.ts';
import { authRoutes } from './auth.ts';
import { dataRoutes } from './data.ts';
import { serverEventRoutes } from './events.ts';
import { formRoutes } from './forms.ts';
import { funnelRoutes } from './funnels.ts';
import { heatmapRoutes } from './heatmaps.ts';
import { ingestRoutes } from './ingest.ts';
import { metricRoutes } from './metrics.ts';
import { openApiDocument } from './openapi-document.ts';
import { projectRoutes } from './projects.ts';
import type { RouteDoc } from './route-doc.ts';
import { sessionRoutes } from './sessions.ts';
import { settingsRoutes } from './settings.ts';
import { webhookRoutes } from './webhooks.ts';

const openApiRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/openapi.json',
    tag: 'API',
    summary: 'This document',
    access: 'public',
    responses: { 200: 'The OpenAPI 3.1 description of the API' },
  },
];

/** Every documented route, in the order the document lists them. */
export const apiRoutes: readonly RouteDoc[] = [
  ...ingestRoutes,
  ...serverEventRoutes,
  ...authRoutes,
  ...sessionRoutes,
  ...dataRoutes,
  ...heatmapRoutes,
  ...formRoutes,
  ...funnelRoutes,
  ...metricRoutes,
  ...settingsRoutes,
  ...assetRoutes,
  ...projectRoutes,
  ...webhookRoutes,
  ...openApiRoutes,
];

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function openApiRouter(): Router {
  const router = Router();
  const document = openApiDocument(apiRoutes, {
    title: 'Sightline API',
    version,
    description:
      'Session recording and heatmaps for online stores. Every error is `{ "error": { "code", "message" } }`. ' +
      'The reference with examples is docs/api.md.',
  });
  router.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
