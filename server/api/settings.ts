import express, { Router } from 'express';
import { z } from 'zod';
import { requireManage } from '../http/credential.ts';
import { requestProject, unknownProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { Store } from '../storage/store.ts';
import { pagePatternText } from './page-pattern.ts';
import type { PagePatternsResponse } from '../../contract/api.ts';
import type { RouteDoc } from './route-doc.ts';

/** Patterns per project at most: each is tried against every page view at ingest. */
export const MAX_PAGE_PATTERNS = 50;
/** Longest pattern, in characters. */
export const MAX_PATTERN_CHARS = 200;
/** A list of 50 short patterns is a few kilobytes; anything larger is a mistake. */
const MAX_BODY = '32kb';

/**
 * URL path characters (RFC 3986 unreserved, sub-delims, `:`, `@`, `%`) and `*`, which pageKey's syntax uses.
 * No spaces, `?` or `#`: page keys are paths without query or fragment, so such a pattern could never match.
 */
const PATTERN_CHARACTERS = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

export const pagePattern = pagePatternText(MAX_PATTERN_CHARS).regex(
  PATTERN_CHARACTERS,
  'only URL path characters and * are allowed',
);
const patternsBody = z.strictObject({ patterns: z.array(pagePattern).max(MAX_PAGE_PATTERNS) });

const patternsPath = '/api/settings/page-patterns';
export const settingsRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: patternsPath,
    tag: 'Settings',
    summary: "The project's page patterns",
    access: 'read',
    scoped: true,
    responses: { 200: '{ patterns }' },
  },
  {
    method: 'put',
    path: patternsPath,
    tag: 'Settings',
    summary: "Replaces the project's page patterns",
    description:
      'Patterns (`/product/*`, `/blog/**`, `/order/:id`; the first match wins) name page keys before id-like ' +
      'segments collapse; they apply to batches ingested afterwards.',
    access: 'manage',
    scoped: true,
    body: patternsBody,
    responses: { 200: '{ patterns }' },
  },
];

/** GET and PUT /api/settings/page-patterns: the user patterns that name page keys (`/product/*`). */
export function settingsRouter({ store }: { store: Store }): Router {
  const router = Router();

  router.get('/api/settings/page-patterns', async (req, res) => {
    const { pagePatterns } = await requestProject(req, store);
    const body: PagePatternsResponse = { patterns: pagePatterns };
    res.json(body);
  });

  router.put('/api/settings/page-patterns', requireManage, express.json({ limit: MAX_BODY }), async (req, res) => {
    const project = await requestProject(req, store);
    const { patterns } = parseOrThrow(patternsBody, req.body, 'invalid_body');
    const saved = await store.setPagePatterns(project.key, patterns);
    if (!saved) throw unknownProject(project.key);
    const body: PagePatternsResponse = { patterns: saved };
    res.json(body);
  });

  return router;
}
