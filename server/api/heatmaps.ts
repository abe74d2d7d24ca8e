import { Router } from 'express';
import { z } from 'zod';
import { aggregateHeatmap } from '../analytics/heatmap-grid.ts';
import { DAY_MS, dayOf, ELEMENT_GRID, PAGE_CELL_PX } from '../../contract/buckets.ts';
import { scrollBands } from '../analytics/scroll-map.ts';
import { replayAssetRewrite } from '../assets/replay-events.ts';
import { HttpError } from '../http/errors.ts';
import { requestProject } from '../http/project-scope.ts';
import { viewerOrigins, type SameOriginConfig } from '../http/same-origin.ts';
import { parseOrThrow } from '../http/validation.ts';
import { RrwebEventType } from '../../contract/protocol.ts';
import type { Store } from '../storage/store.ts';
import type { RouteDoc } from './route-doc.ts';
import type {
  HeatmapPagesResponse,
  HeatmapResponse,
  HeatmapSnapshotResponse,
  PageErrorsResponse,
  ScrollmapResponse,
} from '../../contract/insights.ts';
import { checkRange, device, integer, pageParam, projectParam, timeRange } from './query-params.ts';

/** Elements listed per heatmap by default and at most. */
const DEFAULT_ELEMENTS = 200;
const MAX_ELEMENTS = 2000;
/** Pages listed by the picker by default and at most. */
const DEFAULT_PAGES = 100;
const MAX_PAGES = 1000;
/** Events of a snapshot view sent at most: the full snapshot and enough of what follows to settle the page. */
const MAX_SNAPSHOT_EVENTS = 5000;
/** Depth bands of the scroll map (5% each). */
const SCROLL_BANDS = 20;
/** Day numbers standing in for an open range (recordings are never older than 1970 or newer than 9999). */
const FIRST_DAY = 0;
const LAST_DAY = dayOf(Date.UTC(9999, 11, 31));

const heatmapQuery = z
  .strictObject({
    page: pageParam,
    kind: z.enum(['click', 'rage', 'dead', 'error', 'move']).default('click'),
    device: device.optional(),
    ...timeRange,
    limit: integer.pipe(z.number().min(1).max(MAX_ELEMENTS)).default(DEFAULT_ELEMENTS),
    ...projectParam,
  })
  .superRefine(checkRange);

const pagesQuery = z
  .strictObject({
    device: device.optional(),
    ...timeRange,
    limit: integer.pipe(z.number().min(1).max(MAX_PAGES)).default(DEFAULT_PAGES),
    ...projectParam,
  })
  .superRefine(checkRange);

const pageQuery = z
  .strictObject({ page: pageParam, device: device.optional(), ...timeRange, ...projectParam })
  .superRefine(checkRange);

/** Error messages listed per page by default and at most. */
const DEFAULT_PAGE_ERRORS = 10;
const MAX_PAGE_ERRORS = 100;

const errorsQuery = z
  .strictObject({
    page: pageParam,
    device: device.optional(),
    ...timeRange,
    limit: integer.pipe(z.number().min(1).max(MAX_PAGE_ERRORS)).default(DEFAULT_PAGE_ERRORS),
    ...projectParam,
  })
  .superRefine(checkRange);

/** The project's page range a page-level report reads. */
const pageRange = (projectId: number, query: z.output<typeof pageQuery>) => ({
  projectId,
  page: query.page,
  device: query.device,
  from: query.from,
  to: query.to,
});

/** Heatmaps are pre-aggregated per UTC day, so their ranges cover whole days. */
function dayRange(query: { from?: number; to?: number }) {
  const fromDay = query.from === undefined ? FIRST_DAY : dayOf(query.from);
  const toDay = query.to === undefined ? LAST_DAY : dayOf(query.to);
  return { fromDay, toDay, fromTs: fromDay * DAY_MS, toTs: (toDay + 1) * DAY_MS - 1 };
}

const scopeOf = (query: { page: string; device?: string; from?: number; to?: number }) => ({
  page: query.page,
  device: (query.device ?? null) as HeatmapResponse['device'],
  from: query.from ?? null,
  to: query.to ?? null,
});

/** The Meta and full snapshot that open a view, then what follows, cut at MAX_SNAPSHOT_EVENTS. */
function fromSnapshot(events: HeatmapSnapshotResponse['events'], snapshotTs: number) {
  const snapshot = events.findIndex((event) => event.type === RrwebEventType.FullSnapshot && event.timestamp >= snapshotTs);
  if (snapshot < 0) return null;
  let start = snapshot;
  // rrweb emits Meta (the URL and viewport) right before each full snapshot; the player needs both.
  for (let index = snapshot - 1; index >= 0; index--) {
    if (events[index].type === RrwebEventType.Meta) {
      start = index;
      break;
    }
  }
  const rest = events.slice(start);
  return { events: rest.slice(0, MAX_SNAPSHOT_EVENTS), truncated: rest.length > MAX_SNAPSHOT_EVENTS };
}

const tag = 'Heatmaps';
const scope = 'Every device unless `device` names one; `from`/`to` select whole UTC days.';
export const heatmapRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/heatmaps',
    tag,
    summary: "A page's click, rage, dead, error or mouse-move map",
    description:
      `Per element: its selector, count, share, click offsets inside the element (${ELEMENT_GRID}×${ELEMENT_GRID} ` +
      `buckets), page-coordinate buckets (${PAGE_CELL_PX} px) for elements a rebuilt page no longer has, and the latest ` +
      `moment to replay. ${scope}`,
    access: 'read',
    scoped: true,
    query: heatmapQuery,
    responses: { 200: '{ page, kind, device, from, to, elementGrid, pageCellPx, total, elements, otherElements, otherCount }' },
  },
  {
    method: 'get',
    path: '/api/heatmaps/pages',
    tag,
    summary: 'Page keys with their views, clicks and mouse moves, most clicked first',
    description: scope,
    access: 'read',
    scoped: true,
    query: pagesQuery,
    responses: { 200: '{ pages: [{ page, views, clicks, moves }] }' },
  },
  {
    method: 'get',
    path: '/api/heatmaps/snapshot',
    tag,
    summary: "The page's latest recorded full snapshot, to draw a heatmap over",
    description: `Of any device unless \`device\` names one: its Meta event first, then what follows, at most ${MAX_SNAPSHOT_EVENTS} events.`,
    access: 'read',
    scoped: true,
    query: pageQuery,
    responses: { 200: '{ page, device, sessionId, windowId, url, ts, viewportWidth, viewportHeight, events, truncated }' },
    errors: { 404: 'snapshot_not_found' },
  },
  {
    method: 'get',
    path: '/api/heatmaps/errors',
    tag,
    summary: "The page's most frequent errors, uncaught and console, each with its latest replay moment",
    description: scope,
    access: 'read',
    scoped: true,
    query: errorsQuery,
    responses: { 200: '{ page, device, from, to, errors: [{ message, kind, count, sessions, lastSeenAt, replay }] }' },
  },
  {
    method: 'get',
    path: '/api/scrollmap',
    tag,
    summary: "Share of the page's views reaching each 5% depth band, and the average fold",
    description: scope,
    access: 'read',
    scoped: true,
    query: pageQuery,
    responses: { 200: '{ page, device, from, to, views, viewsWithDepth, bands: [{ from, to, views, share }], averageFold }' },
  },
];

/** GET /api/heatmaps, /api/heatmaps/pages, /api/heatmaps/snapshot, /api/heatmaps/errors and /api/scrollmap. */
export function heatmapsRouter({ store, config }: { store: Store; config: SameOriginConfig }): Router {
  const router = Router();

  router.get('/api/heatmaps', async (req, res) => {
    const query = parseOrThrow(heatmapQuery, req.query, 'invalid_query');
    const { id: projectId } = await requestProject(req, store);
    const { fromDay, toDay, fromTs, toTs } = dayRange(query);
    const { page, kind, device } = query;
    const cells = await store.heatmapCells({ projectId, page, kind, device, fromDay, toDay });
    const map = aggregateHeatmap(cells, query.limit);
    const elements = await Promise.all(
      map.elements.map(async (element) => {
        if (query.kind === 'move') return { ...element, label: '', replay: null };
        const link = { projectId, page: query.page, kind: query.kind, selector: element.selector, device: query.device };
        const latest = await store.latestReplayLink({ ...link, from: fromTs, to: toTs });
        if (!latest) return { ...element, label: '', replay: null };
        const { label, ...replay } = latest;
        return { ...element, label, replay };
      }),
    );
    const body: HeatmapResponse = {
      ...scopeOf(query),
      kind: query.kind,
      elementGrid: ELEMENT_GRID,
      pageCellPx: PAGE_CELL_PX,
      total: map.total,
      elements,
      otherElements: map.otherElements,
      otherCount: map.otherCount,
    };
    res.json(body);
  });

  router.get('/api/heatmaps/pages', async (req, res) => {
    const query = parseOrThrow(pagesQuery, req.query, 'invalid_query');
    const { id: projectId } = await requestProject(req, store);
    const { fromDay, toDay } = dayRange(query);
    const body: HeatmapPagesResponse = {
      pages: await store.heatmapPages({ projectId, device: query.device, fromDay, toDay, limit: query.limit }),
    };
    res.json(body);
  });

  router.get('/api/heatmaps/snapshot', async (req, res) => {
    const query = parseOrThrow(pageQuery, req.query, 'invalid_query');
    const project = await requestProject(req, store);
    const view = await store.latestSnapshotView(pageRange(project.id, query));
    const notFound = () => new HttpError(404, 'snapshot_not_found', `No recorded full snapshot of page "${query.page}"`);
    if (!view) throw notFound();
    const events = await store.readEventsBetween(view.sessionId, view.windowId, view.ts, view.lastTs);
    const slice = fromSnapshot(events, view.snapshotTs);
    if (!slice) throw notFound();
    slice.events = (await replayAssetRewrite(store, project.id, viewerOrigins(req, config)))(slice.events);
    const body: HeatmapSnapshotResponse = {
      page: query.page,
      device: view.device,
      sessionId: view.sessionId,
      windowId: view.windowId,
      url: view.url,
      ts: view.ts,
      viewportWidth: view.viewportWidth,
      viewportHeight: view.viewportHeight,
      ...slice,
    };
    res.json(body);
  });

  router.get('/api/heatmaps/errors', async (req, res) => {
    const query = parseOrThrow(errorsQuery, req.query, 'invalid_query');
    const { id: projectId } = await requestProject(req, store);
    const errors = await store.pageErrors({ ...pageRange(projectId, query), limit: query.limit });
    const body: PageErrorsResponse = { ...scopeOf(query), errors };
    res.json(body);
  });

  router.get('/api/scrollmap', async (req, res) => {
    const query = parseOrThrow(pageQuery, req.query, 'invalid_query');
    const project = await requestProject(req, store);
    const rows = await store.scrollRows(pageRange(project.id, query));
    const body: ScrollmapResponse = {
      ...scopeOf(query),
      views: rows.views,
      viewsWithDepth: rows.depths.reduce((sum, row) => sum + row.views, 0),
      bands: scrollBands(rows.depths, SCROLL_BANDS),
      averageFold: rows.averageFold,
    };
    res.json(body);
  });

  return router;
}
