/**
 * Response (and request) types of the insight routes: heatmaps, scroll map, forms, funnels and checkout metrics.
 * The pure analytics compute the shapes at the end and the viewer reads them, so each is defined here once.
 */
import type { DeviceClass, HeatmapKind } from './vocabulary.ts';

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

/** Where an error on a page came from: thrown and not caught, or logged with console.error. */
export type PageErrorKind = 'uncaught' | 'console';

/** One error message of a page, with how often it happened in range. */
export interface PageErrorRow {
  message: string;
  kind: PageErrorKind;
  /** Times it happened, and in how many sessions. */
  count: number;
  sessions: number;
  /** The latest time, ms since epoch; its replay opens there. */
  lastSeenAt: number;
  replay: ReplayLink;
}

/** GET /api/heatmaps/errors: the page's most frequent errors, most frequent first. */
export interface PageErrorsResponse extends PageReportScope {
  errors: PageErrorRow[];
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

// Shapes the pure analytics compute, sent as they are.

export interface CheckoutFigures {
  sessions: number;
  cartSessions: number;
  purchaseSessions: number;
  orders: number;
  /** purchaseSessions / sessions; null without sessions. */
  conversionRate: number | null;
  /** Cart sessions without a purchase / cart sessions; null without cart sessions. */
  cartAbandonmentRate: number | null;
  /** Order values minus refunds. */
  revenue: number;
  /** revenue / orders; null without orders. */
  averageOrderValue: number | null;
  abandonedCartValue: number;
  /** Refund events. */
  refunds: number;
  /** Money the refunds took back. */
  refundedValue: number;
  /** Orders with at least one refund / orders; null without orders. */
  refundRate: number | null;
}

export interface DayFigures extends CheckoutFigures {
  day: string;
}

export interface FieldSummary {
  field: string;
  /** As first reported for the field. */
  name: string;
  kind: string;
  /** The field as a person reads it (`"Email" email field`), the latest reported; '' when none was. */
  label: string;
  /** Sessions that focused or changed the field. */
  sessions: number;
  /** Median time focused, over sessions that focused it, in ms; null when none did. */
  medianTimeMs: number | null;
  /** Median focus → first change, over sessions where it is known, in ms; null when never. */
  medianHesitationMs: number | null;
  /** Sessions that changed the field more than once. */
  corrected: number;
  /** Sessions that focused the field and left it unchanged. */
  leftBlank: number;
  /** Abandoned sessions in which this was the last field touched. */
  dropOffs: number;
  /** The latest of those drop-offs, to watch one: the last touch of this field before the session left the form. */
  latestDropOff: ReplayLink | null;
}

export interface FormSummary {
  key: string;
  page: string;
  form: string;
  sessionsStarted: number;
  sessionsSubmitted: number;
  sessionsAbandoned: number;
  /** Fields in the order visitors usually reach them (mean position among the fields each session touched). */
  fields: FieldSummary[];
}

export type FunnelStep = { type: 'page'; pattern: string } | { type: 'event'; name: string };

/** A session that reached the step before this one and went no further. */
export interface DroppedSession {
  sessionId: string;
  /** Time of the last step it reached (ms since epoch): where its replay should start. */
  lastStepTs: number;
}

export interface FunnelStepResult {
  step: FunnelStep;
  /** Sessions that reached this step. */
  sessions: number;
  /** sessions / sessions of the previous step; null for step 0 or when the previous step had none. */
  conversionFromPrevious: number | null;
  /** sessions / sessions of step 0; null while step 0 has none. */
  conversionFromStart: number | null;
  /** Median time from the previous step to this one over the sessions that reached it, in ms; null if none. */
  medianTimeFromPreviousMs: number | null;
  /** Sessions that reached the previous step but not this one (0 for step 0). */
  droppedCount: number;
  /** The first `maxDroppedListed` of them, newest drop first. */
  dropped: DroppedSession[];
}

export interface ScrollBand {
  /** The band's top and bottom edge as fractions of the document height. */
  from: number;
  to: number;
  /** Views that saw some of the band. */
  views: number;
  /** views / all views; 0 when there are none. */
  share: number;
}

export interface ElementCell {
  cx: number;
  cy: number;
  count: number;
}

export interface PageCell {
  documentWidth: number;
  cx: number;
  cy: number;
  count: number;
}

export interface HeatmapElement {
  /** The element's selector; '' for mouse moves, which have no element. */
  selector: string;
  /** Points on this element. */
  count: number;
  /** count / all points of the map. */
  share: number;
  /** Offset buckets in the element: bucket (cx, cy) centres at ((cx + 0.5) / grid, (cy + 0.5) / grid) of its box. */
  cells: ElementCell[];
  /** The same points by page coordinate: x in [cx, cx + 1) × cell px at documentWidth, y likewise (unscaled). */
  pageCells: PageCell[];
}
