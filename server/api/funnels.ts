import express, { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { HttpError } from '../http/errors.ts';
import { requestProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { Store } from '../storage/store.ts';
import { runFunnel } from './funnel-run.ts';
import type { FunnelList, FunnelQueryResponse, SavedFunnel } from '../../contract/insights.ts';
import type { RouteDoc } from './route-doc.ts';
import { pagePatternText } from './page-pattern.ts';
import { checkRange, device } from './query-params.ts';

/** Longest page pattern of a step, in characters. */
const MAX_PATTERN_CHARS = 512;
/** Steps per funnel at most. */
const MAX_STEPS = 20;
/** Conversion window: default and longest accepted, in ms. */
const DEFAULT_WINDOW_MS = 30 * 60 * 1000;
const MAX_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;
/** Funnel bodies are a few steps; anything larger is a mistake. */
const MAX_BODY = '64kb';

const step = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('page'),
    pattern: pagePatternText(MAX_PATTERN_CHARS),
  }),
  z.strictObject({ type: z.literal('event'), name: z.string().min(1).max(200) }),
]);
const steps = z.array(step).min(1).max(MAX_STEPS);
const windowMs = z.number().int().min(1).max(MAX_WINDOW_MS).default(DEFAULT_WINDOW_MS);
const time = z.number().int().min(0);

const queryBody = z
  .strictObject({ steps, windowMs, from: time.optional(), to: time.optional(), device: device.optional() })
  .superRefine(checkRange);
const saveBody = z.strictObject({ name: z.string().trim().min(1).max(200), steps, windowMs });

function funnelId(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new HttpError(404, 'funnel_not_found', `No saved funnel with id "${raw}"`);
  return Number(raw);
}

const tag = 'Funnels';
export const funnelRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/funnels/query',
    tag,
    summary: 'Runs a funnel of page patterns and tracked events',
    description:
      'Per step: sessions, conversion from the previous step and from the start, median time from the previous step, ' +
      'and the sessions that dropped there. A page step is a pattern (`/product/*`, `/blog/**`, `:name`); every step ' +
      'must follow the one before within `windowMs` of the first.',
    access: 'read',
    scoped: true,
    body: queryBody,
    responses: {
      200:
        '{ windowMs, sessionsConsidered, steps: [{ step, sessions, conversionFromPrevious, conversionFromStart, ' +
        'medianTimeFromPreviousMs, droppedCount, dropped }] }',
    },
  },
  {
    method: 'get',
    path: '/api/funnels',
    tag,
    summary: "The project's saved funnels",
    access: 'read',
    scoped: true,
    responses: { 200: '{ funnels: [{ id, name, steps, windowMs, createdAt }] }' },
  },
  {
    method: 'post',
    path: '/api/funnels',
    tag,
    summary: 'Saves a named funnel',
    description: 'Saved funnels are views of the data: a read-only token may save and delete them.',
    access: 'read',
    scoped: true,
    body: saveBody,
    responses: { 201: '{ id, name, steps, windowMs, createdAt }' },
  },
  {
    method: 'delete',
    path: '/api/funnels/:id',
    tag,
    summary: 'Deletes a saved funnel',
    access: 'read',
    scoped: true,
    params: { id: 'The saved funnel\'s id' },
    responses: { 204: 'Deleted' },
    errors: { 404: 'funnel_not_found' },
  },
];

/** POST /api/funnels/query, and saved funnels: GET /api/funnels, POST /api/funnels, DELETE /api/funnels/:id. */
export function funnelsRouter({ store, config }: { store: Store; config: Config }): Router {
  const router = Router();
  const json = express.json({ limit: MAX_BODY });

  router.post('/api/funnels/query', json, async (req, res) => {
    const { steps, windowMs, from, to, device } = parseOrThrow(queryBody, req.body, 'invalid_body');
    const { id: projectId } = await requestProject(req, store);
    const range = { projectId, from, to, device };
    const body: FunnelQueryResponse = await runFunnel(store, { steps, windowMs, range, matchBudget: config.funnelMatchSteps });
    res.json(body);
  });

  router.get('/api/funnels', async (req, res) => {
    const { id: projectId } = await requestProject(req, store);
    const body: FunnelList = { funnels: await store.listFunnels(projectId) };
    res.json(body);
  });

  router.post('/api/funnels', json, async (req, res) => {
    const funnel = parseOrThrow(saveBody, req.body, 'invalid_body');
    const { id: projectId } = await requestProject(req, store);
    const body: SavedFunnel = await store.saveFunnel({ ...funnel, projectId, createdAt: Date.now() });
    res.status(201).json(body);
  });

  router.delete('/api/funnels/:id', async (req, res) => {
    const id = funnelId(req.params.id);
    const { id: projectId } = await requestProject(req, store);
    if (!(await store.deleteFunnel(projectId, id))) {
      throw new HttpError(404, 'funnel_not_found', `No saved funnel with id ${id}`);
    }
    res.status(204).end();
  });

  return router;
}
