/** The asset proxy and its per-project setting: GET /api/assets, GET and PUT /api/settings/assets. */
import express, { Router } from 'express';
import { z } from 'zod';
import { parseAssetUrl } from '../assets/asset-urls.ts';
import { createAssetProxy } from '../assets/proxy.ts';
import type { Config } from '../config.ts';
import { requireManage } from '../http/credential.ts';
import { HttpError } from '../http/errors.ts';
import { requestProject, unknownProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { OutboundPolicy } from '../outbound/policy.ts';
import type { Project } from '../storage/model.ts';
import type { ProjectAssetPolicy, Store } from '../storage/store.ts';
import { requireReachable } from './outbound-check.ts';
import { MAX_ALLOWED_ORIGINS, origin } from './projects.ts';
import type { AssetSettingsResponse } from '../../contract/api.ts';
import type { RouteDoc } from './route-doc.ts';

/** Longest asset URL accepted; recorded URLs past this are tracking noise, not assets. */
const MAX_ASSET_URL = 4096;

/**
 * Headers of every proxied asset. The CSP and sandbox make an SVG or stylesheet opened directly a document that
 * runs nothing; private keeps shared caches from storing what needed a sign-in.
 */
function assetHeaders(cacheTtlMs: number): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': `private, max-age=${Math.floor(cacheTtlMs / 1000)}`,
  };
}

const assetQuery = z.strictObject({
  project: z.string().optional(),
  url: z.string().max(MAX_ASSET_URL),
  /** Sightline's signature of the URL for the project; the proxy answers 403 asset_not_signed without it. */
  sig: z.string().max(64).optional(),
});
const settingsBody = z.strictObject({
  mode: z.enum(['public', 'proxy', 'block']),
  origins: z.array(origin).max(MAX_ALLOWED_ORIGINS),
});
const settingsQuery = z.strictObject({ project: z.string().optional() });

async function policyOf(store: Store, project: Project): Promise<ProjectAssetPolicy> {
  const policy = await store.getAssetPolicy(project.id);
  // requestProject has just found the project; only a concurrent delete could lose it.
  if (!policy) throw unknownProject(project.key);
  return policy;
}

async function settingsOf(store: Store, project: Project): Promise<AssetSettingsResponse> {
  const { projectKey, mode, origins, projectOrigins } = await policyOf(store, project);
  return { project: projectKey, mode, origins, projectOrigins };
}

export const assetRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/assets',
    tag: 'Replay assets',
    summary: 'An image, font or stylesheet a replay needs, fetched by the server',
    description:
      'Only URLs the events routes handed out, signed (`sig`), for a replay of the project; only from public addresses ' +
      "(and, in `proxy` mode, the project's asset origins); only image, font and CSS types, within a deadline and a " +
      'byte cap; cached.',
    access: 'read',
    scoped: true,
    query: assetQuery,
    responses: { 200: 'The asset, with its content type' },
    produces: '*/*',
    errors: {
      403: 'asset_not_signed, assets_blocked, asset_host_not_allowed or asset_forbidden_address',
      502: 'asset_unresolvable, asset_unreachable, asset_upstream_status, asset_redirect_not_allowed, ' +
        'asset_too_many_redirects, asset_type_refused or asset_too_large',
      504: 'asset_timeout',
    },
  },
  {
    method: 'get',
    path: '/api/settings/assets',
    tag: 'Replay assets',
    summary: 'How replays get the images, fonts and styles a page loaded from its hosts',
    access: 'read',
    scoped: true,
    query: settingsQuery,
    responses: { 200: '{ project, mode, origins, projectOrigins }' },
  },
  {
    method: 'put',
    path: '/api/settings/assets',
    tag: 'Replay assets',
    summary: 'Sets how replays get them: `public` (any public host), `proxy` (only the origins) or `block`',
    access: 'manage',
    scoped: true,
    query: settingsQuery,
    body: settingsBody,
    responses: { 200: '{ project, mode, origins, projectOrigins }' },
    errors: { 400: 'forbidden_address or unresolvable_host: an origin is internal or does not resolve' },
  },
];

export function assetsRouter({ store, config, outbound }: { store: Store; config: Config; outbound: OutboundPolicy }): Router {
  const router = Router();
  const proxy = createAssetProxy({ store, limits: config.assetProxy, outbound });
  const headers = assetHeaders(config.assetProxy.cacheTtlMs);

  router.get('/api/assets', async (req, res) => {
    const query = parseOrThrow(assetQuery, req.query, 'invalid_query');
    const url = parseAssetUrl(query.url);
    if (!url) throw new HttpError(400, 'invalid_query', 'url: expected an absolute http or https URL without credentials');
    const policy = await policyOf(store, await requestProject(req, store));
    const asset = await proxy.serve(policy, url, query.sig);
    res.set(headers).type(asset.contentType).send(asset.body);
  });

  router.get('/api/settings/assets', async (req, res) => {
    parseOrThrow(settingsQuery, req.query, 'invalid_query');
    res.json(await settingsOf(store, await requestProject(req, store)));
  });

  router.put('/api/settings/assets', requireManage, express.json({ limit: '32kb' }), async (req, res) => {
    parseOrThrow(settingsQuery, req.query, 'invalid_query');
    const { mode, origins } = parseOrThrow(settingsBody, req.body, 'invalid_body');
    const project = await requestProject(req, store);
    const unique = [...new Set(origins)];
    // Project (ingest) origins are not checked here: `http://localhost:3000` is a fair ingest origin while a store is
    // developed. The proxy fetches from them too, so the policy refuses an internal one at fetch time.
    await requireReachable(outbound, unique.map((text, index) => ({ field: `origins[${index}]`, url: new URL(text) })));
    await store.setAssetPolicy(project.id, { mode, origins: unique });
    res.json(await settingsOf(store, project));
  });

  return router;
}
