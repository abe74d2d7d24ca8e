/**
 * Response (and request) types of the insight routes: heatmaps, scroll map, forms, funnels and checkout metrics.
 * The viewer imports these with `import type`; the shapes computed by pure analytics functions are re-exported
 * from there so there is one definition of each.
 */
import type { CheckoutFigures, DayFigures } from '../analytics/checkout-metrics.ts';
import type { FieldSummary, FormSummary } from '../analytics/form-report.ts';
import type { FunnelStep, FunnelStepResult } from '../analytics/funnel.ts';
import type { HeatmapElement } from '../analytics/heatmap-grid.ts';
import type { ScrollBand } from '../analytics/scroll-map.ts';
import type { DeviceClass } from './types.ts';

export type { CheckoutFigures, DayFigures } from '../analytics/checkout-metrics.ts';
export type { FieldSummary, FormSummary } from '../analytics/form-report.ts';
export type { DroppedSession, FunnelStep, FunnelStepResult } from '../analytics/funnel.ts';
export type { ElementCell, HeatmapElement, PageCell } from '../analytics/heatmap-grid.ts';
export type { ScrollBand } from '../analytics/scroll-map.ts';

/** What a heatmap counts: clicks, rage/dead/error clicks (one point per finding), or mouse-move samples. */
export type HeatmapKind = 'click' | 'rage' | 'dead' | 'error' | 'move';

/** A moment to open a replay at: `#/sessions/<sessionId>?window=<windowId>` at `ts`. */
export interface ReplayLink {
  sessionId: string;
  windowId: string;
  /** ms since epoch. */
  ts: number;
}

/** A replay moment with its place on that window's replay clock, as the link's `t` takes it. */
export interface ReplayMoment extends ReplayLink {
  /** ms from the window's first event. */
  offsetMs: number;
}

/** The filters a page-level report answered with (null: not filtered). */
export interface PageReportScope {
  page: string;
  device: DeviceClass | null;
  from: number | null;
  to: number | null;
}

export interface HeatmapElementRow extends HeatmapElement {
  /** The element as a person reads it at its latest point (`"Add to cart" button`); '' for mouse moves and old recordings. */
  label: string;
  /** The latest point on this element in range, to open its replay; null for mouse moves. */
  replay: ReplayLink | null;
}

/** GET /api/heatmaps */
export interface HeatmapResponse extends PageReportScope {
  kind: HeatmapKind;
  /** Offset buckets per side inside an element (cells[].cx, cy are 0..elementGrid - 1). */
  elementGrid: number;
  /** Side of a page-coordinate bucket in CSS px (pageCells[].cx, cy count these from the document's top left). */
  pageCellPx: number;
  /** Points in the map (all elements). */
  total: number;
  /** Elements with most points first: the most-clicked elements table and the points to place on the snapshot. */
  elements: HeatmapElementRow[];
  /** Elements and points left out by `limit`. */
  otherElements: number;
  otherCount: number;
}

export interface PageTotalsRow {
  page: string;
  views: number;
  clicks: number;
  /** Mouse-move samples kept (a thinned count). */
  moves: number;
}

/** GET /api/heatmaps/pages */
export interface HeatmapPagesResponse {
  /** Most clicked first. */
  pages: PageTotalsRow[];
}

/** GET /api/heatmaps/snapshot: a recorded page to rebuild as the heatmap's background. */
export interface HeatmapSnapshotResponse {
  page: string;
  device: DeviceClass;
  sessionId: string;
  windowId: string;
  url: string;
  /** When that page view began, ms since epoch. */
  ts: number;
  /** The viewport it was recorded at, CSS px. */
  viewportWidth: number;
  viewportHeight: number;
  /** The Meta event and full snapshot of that view, then its events until the next page view, in recorded order. */
  events: Array<{ type: number; data: unknown; timestamp: number }>;
  /** True when the view had more events than were sent. */
  truncated: boolean;
}

/** GET /api/scrollmap */
export interface ScrollmapResponse extends PageReportScope {
  /** Page views in range, and those whose depth is known (a view's depth needs a click to report the page height). */
  views: number;
  viewsWithDepth: number;
  /** Share of views (with a known depth) that saw each band, top band first. */
  bands: ScrollBand[];
  /** Mean viewport height / document height: where the fold falls, as a fraction of the page; null without views. */
  averageFold: number | null;
}

/** A field row of the form report: the figures, and the latest drop-off on it placed on its replay's clock. */
export interface FormFieldRow extends Omit<FieldSummary, 'latestDropOff'> {
  /** Where the latest session that left the form at this field did so; null when none did. */
  latestDropOff: ReplayMoment | null;
}

export interface FormReport extends Omit<FormSummary, 'fields'> {
  fields: FormFieldRow[];
}

/** GET /api/forms */
export interface FormsResponse {
  from: number | null;
  to: number | null;
  device: DeviceClass | null;
  /** Most started first. */
  forms: FormReport[];
}

/** POST /api/funnels/query body. */
export interface FunnelQuery {
  steps: FunnelStep[];
  /** Conversion window from step 0, in ms. Defaults to 30 minutes. */
  windowMs?: number;
  /** Sessions started at or after / at or before (ms since epoch). */
  from?: number;
  to?: number;
  device?: DeviceClass;
}

/** POST /api/funnels/query */
export interface FunnelQueryResponse {
  windowMs: number;
  /** Sessions in range (those that never reached step 0 included). */
  sessionsConsidered: number;
  steps: FunnelStepResult[];
}

export interface SavedFunnel {
  id: number;
  name: string;
  steps: FunnelStep[];
  windowMs: number;
  createdAt: number;
}

/** GET /api/funnels */
export interface FunnelList {
  funnels: SavedFunnel[];
}

/** GET /api/metrics */
export interface MetricsResponse {
  from: number | null;
  to: number | null;
  /** Days (`YYYY-MM-DD`, UTC, by session start) with sessions or checkout events, oldest first. */
  days: DayFigures[];
  totals: CheckoutFigures;
}
