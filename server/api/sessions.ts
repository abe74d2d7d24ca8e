import { Router, type Request } from 'express';
import { z } from 'zod';
import { signalOutcome } from '../analytics/signal-text.ts';
import { replayAssetRewrite } from '../assets/replay-events.ts';
import type { Config } from '../config.ts';
import { HttpError } from '../http/errors.ts';
import { requestProject } from '../http/project-scope.ts';
import { viewerOrigins } from '../http/same-origin.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { SessionFilter, Store } from '../storage/store.ts';
import { funnelSessionIds, type FunnelPick } from './funnel-run.ts';
import { checkRange, device, flag, integer, projectParam, text } from './query-params.ts';
import type { EventPage, SessionDetail, SessionList, SessionSummary } from '../../contract/api.ts';
import type { RouteDoc } from './route-doc.ts';

/** Largest `limit` of the session list and of an events page. */
const MAX_SESSIONS_PER_PAGE = 200;
const MAX_EVENTS_PER_PAGE = 50_000;

const listQuery = z
  .strictObject({
    from: integer.optional(),
    to: integer.optional(),
    url: text.optional(),
    minDurationMs: integer.optional(),
    userId: text.optional(),
    device: device.optional(),
    hasRage: flag.optional(),
    hasDead: flag.optional(),
    hasErrorClicks: flag.optional(),
    hasErrors: flag.optional(),
    hasConsoleErrors: flag.optional(),
    hasFailedRequests: flag.optional(),
    abandonedForm: flag.optional(),
    event: text.optional(),
    // A saved funnel's id; alone it keeps the sessions that entered it (reached step 0).
    funnel: integer.optional(),
    reachedStep: integer.optional(),
    droppedAtStep: integer.pipe(z.number().min(1, 'step 0 has no drop-off: use 1 or more')).optional(),
    sort: z.enum(['recent', 'friction']).default('recent'),
    limit: integer.pipe(z.number().min(1).max(MAX_SESSIONS_PER_PAGE)).default(50),
    offset: integer.default(0),
    ...projectParam,
  })
  .superRefine((query, context) => {
    checkRange(query, context);
    for (const key of ['reachedStep', 'droppedAtStep'] as const) {
      if (query[key] !== undefined && query.funnel === undefined) {
        context.addIssue({ code: 'custom', path: [key], message: 'needs funnel=<saved funnel id>' });
      }
    }
    if (query.reachedStep !== undefined && query.droppedAtStep !== undefined) {
      context.addIssue({ code: 'custom', path: ['droppedAtStep'], message: 'give reachedStep or droppedAtStep, not both' });
    }
  });

type ListQuery = z.output<typeof listQuery>;

/** The session ids a funnel filter keeps, computed over the sessions the other time and device filters allow. */
async function funnelIds(store: Store, config: Config, projectId: number, query: ListQuery): Promise<string[] | undefined> {
  const { funnel: funnelId, reachedStep, droppedAtStep, from, to, device } = query;
  if (funnelId === undefined) return undefined;
  const funnel = await store.getFunnel(projectId, funnelId);
  if (!funnel) throw new HttpError(404, 'funnel_not_found', `No saved funnel with id ${funnelId}`);
  const step = droppedAtStep ?? reachedStep ?? 0;
  if (step >= funnel.steps.length) {
    const name = droppedAtStep !== undefined ? 'droppedAtStep' : 'reachedStep';
    const has = funnel.steps.length === 0 ? 'no steps' : `steps 0 to ${funnel.steps.length - 1}`;
    throw new HttpError(400, 'invalid_query', `${name}: funnel ${funnelId} has ${has}`);
  }
  const pick: FunnelPick = droppedAtStep !== undefined ? { droppedAtStep } : { reachedStep: step };
  const range = { projectId, from, to, device };
  const run = { steps: funnel.steps, windowMs: funnel.windowMs, range, matchBudget: config.funnelMatchSteps };
  return funnelSessionIds(store, run, pick);
}

const eventsQuery = z.strictObject({
  window: text.optional(),
  cursor: integer.optional(),
  limit: integer.pipe(z.number().min(1).max(MAX_EVENTS_PER_PAGE)).optional(),
  ...projectParam,
});

/** The session with this id of the project the request acts on; another project's session is 404, as a missing one. */
export async function findSession(req: Request, store: Store, id: string): Promise<SessionSummary> {
  const project = await requestProject(req, store);
  const session = await store.getSession(project.id, id);
  if (!session) throw new HttpError(404, 'session_not_found', `No session with id "${id}"`);
  return session;
}

const tag = 'Sessions';
const sessionId = { id: 'The session id the recorder gave it' };
export const sessionRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/sessions',
    tag,
    summary: 'Recorded sessions, newest first, filtered',
    description:
      '`device`: `mobile` under 768 px, `tablet` under 1024 px, else `desktop`. `funnel` (a saved funnel) keeps the ' +
      'sessions that entered it, with `reachedStep=k` those that got to step k, with `droppedAtStep=k` those that ' +
      'reached k - 1 and not k (steps count from 0).',
    access: 'read',
    scoped: true,
    query: listQuery,
    responses: { 200: '{ sessions, total, limit, offset }' },
    errors: { 404: 'funnel_not_found' },
  },
  {
    method: 'get',
    path: '/api/sessions/:id',
    tag,
    summary: 'One session with its marks and signals',
    description:
      'Start, end, duration, active time, entry URL, pages, clicks, errors, device, browser and OS with versions, ' +
      "viewport, user id and windows; marks for page views, track, identify and errors (a backend's events are track " +
      'marks with `server: true`); rage, dead and error clicks.',
    access: 'read',
    scoped: true,
    params: sessionId,
    responses: { 200: '{ session, marks, signals }' },
    errors: { 404: 'session_not_found' },
  },
  {
    method: 'get',
    path: '/api/sessions/:id/events',
    tag,
    summary: "One window's rrweb events in recorded order, a page of whole chunks at a time",
    description: 'Pass `cursor=nextCursor` for the next page; `nextCursor` is null after the last.',
    access: 'read',
    scoped: true,
    params: sessionId,
    query: eventsQuery,
    responses: { 200: '{ events, nextCursor }' },
    errors: { 404: 'session_not_found or window_not_found' },
  },
];

/** GET /api/sessions, /api/sessions/:id and /api/sessions/:id/events. */
export function sessionsRouter({ store, config }: { store: Store; config: Config }): Router {
  const router = Router();

  router.get('/api/sessions', async (req, res) => {
    const query = parseOrThrow(listQuery, req.query, 'invalid_query');
    const { id: projectId } = await requestProject(req, store);
    const { limit, offset, funnel: _f, reachedStep: _r, droppedAtStep: _d, project: _p, ...filters } = query;
    const ids = await funnelIds(store, config, projectId, query);
    const filter: SessionFilter = { ...filters, projectId, ids, limit, offset };
    const { sessions, total } = await store.listSessions(filter);
    const body: SessionList = { sessions, total, limit, offset };
    res.json(body);
  });

  router.get('/api/sessions/:id', async (req, res) => {
    const session = await findSession(req, store, req.params.id);
    const [marks, signals] = await Promise.all([store.listMarks(session.id), store.listSignals(session.id)]);
    const body: SessionDetail = { session, marks, signals: signals.map((signal) => ({ ...signal, outcome: signalOutcome(signal) })) };
    res.json(body);
  });

  router.get('/api/sessions/:id/events', async (req, res) => {
    const query = parseOrThrow(eventsQuery, req.query, 'invalid_query');
    const session = await findSession(req, store, req.params.id);
    const windowId = query.window ?? session.windows[0];
    if (windowId === undefined || !session.windows.includes(windowId)) {
      throw new HttpError(404, 'window_not_found', `Session ${session.id} has no window "${query.window}"`);
    }
    const page = await store.readEvents({
      sessionId: session.id,
      windowId,
      fromSeq: query.cursor ?? 0,
      minEvents: query.limit ?? config.eventsPageSize,
    });
    const rewriteAssets = await replayAssetRewrite(store, session.projectId, viewerOrigins(req, config));
    const body: EventPage = { events: rewriteAssets(page.events), nextCursor: page.nextSeq === null ? null : String(page.nextSeq) };
    res.json(body);
  });

  return router;
}
