/**
 * Report rows from one chunk of a window's events: a pure function of the events and where the window stood after
 * its previous chunk (the carry), so every rule here is unit-tested without a database.
 *
 * - Page views follow splitPageViews: a navigation (Meta or sl:page) to another URL starts a view; the same URL
 *   continues it. A chunk that starts without a navigation continues the carried view.
 * - Scroll depth follows scrollDepthByPageView: deepest (document scroll + viewport height) over the tallest document
 *   an sl:click reported; scroll restarts at 0 (or the full snapshot's offset) on every new view.
 * - Clicks are Sightline's sl:click (selector, offset in element, page position, viewport and document size).
 * - Mouse and touch moves are thinned to one position in `moveSampleEvery` and binned by page position: rrweb records
 *   viewport positions, so the document scroll is added; the viewport width stands in for the document width.
 * - Form events are sl:field and sl:submit as reported (never a value).
 * - Page errors are uncaught errors (sl:error) and console errors (sl:console at level error), with their message.
 */
import { fullSnapshotOf, isIncremental, navigationUrlOf, scrollOf, slPayload, timeline, viewportOf } from '../analytics/events.ts';
import { dayOf, pageCell } from '../../contract/buckets.ts';
import { pageKey } from '../analytics/page-key.ts';
import type { DeviceClass } from '../../contract/vocabulary.ts';
import { RrwebIncrementalSource, SlTag, type RecordedEvent } from '../../contract/protocol.ts';
import type {
  DerivedChunk,
  DerivedClick,
  DerivedFormEvent,
  DerivedPageError,
  DerivedMoveCell,
  DerivedPageView,
  WindowCarry,
} from '../storage/derived-model.ts';
import { IngestError } from './errors.ts';
import { deviceClass } from './session-summary.ts';

export interface DeriveOptions {
  /** Keep one mouse or touch position in this many for the move map (1 keeps all). Defaults to 5. */
  moveSampleEvery: number;
  /** Page patterns for page keys, e.g. `/product/*`. Defaults to [] (id-like segments still collapse). */
  pagePatterns: readonly string[];
  /**
   * Most steps the chunk's page keys may cost (url-pattern.ts's meter; each distinct URL is keyed once); past it
   * the batch is refused with 400 page_keys_too_costly. Defaults to Infinity (ingest passes config.maxPageKeySteps).
   */
  maxPageKeySteps: number;
}

export const defaultDeriveOptions: Readonly<DeriveOptions> = Object.freeze({
  moveSampleEvery: 5,
  pagePatterns: [],
  maxPageKeySteps: Infinity,
});

/**
 * Page keys of one chunk: each distinct URL keyed once, the steps metered. Patterns are user input and URLs anyone
 * with the public ingest key can record, so a chunk's share of the event loop is bounded here rather than trusted.
 */
function chunkPageKeys(patterns: readonly string[], maxSteps: number): (url: string) => string {
  const keys = new Map<string, string>();
  const work = { steps: 0 };
  return (url) => {
    let key = keys.get(url);
    if (key === undefined) {
      key = pageKey(url, patterns, work);
      if (work.steps > maxSteps) {
        throw new IngestError(
          'page_keys_too_costly',
          `Matching this batch's page URLs against the project's page patterns needs more than ${maxSteps} steps`,
        );
      }
      keys.set(url, key);
    }
    return key;
  };
}

/**
 * Longest selector, URL and field label kept, in characters: they become keys of report rows, so a page that
 * generates huge selectors (or a forged batch) cannot bloat the tables. The recorder's own are far shorter.
 */
export const MAX_SELECTOR_CHARS = 512;
export const MAX_URL_CHARS = 2048;
export const MAX_LABEL_CHARS = 256;
/** Longest element label kept; the recorder's quote at most 60 characters of text and a kind. */
export const MAX_ELEMENT_LABEL_CHARS = 200;
export const MAX_MESSAGE_CHARS = 1_000;

export const clip = (text: string, max: number): string => (text.length > max ? text.slice(0, max) : text);

/** rrweb's id for the document node in a fresh recording, until a full snapshot names it. */
const DEFAULT_DOCUMENT_NODE_ID = 1;
/** Sessions default to desktop while no viewport is known (see the sessions table). */
const UNKNOWN_DEVICE: DeviceClass = 'desktop';

interface ViewState {
  /** Order opened in this chunk. */
  id: number;
  continues: boolean;
  url: string;
  ts: number;
  lastTs: number;
  events: number;
  viewportWidth: number;
  viewportHeight: number;
  maxSeenBottom: number | null;
  documentHeight: number | null;
  snapshotTs: number | null;
}

const deviceOf = (width: number): DeviceClass => (width > 0 ? deviceClass(width) : UNKNOWN_DEVICE);

function freshCarry(): WindowCarry {
  return {
    url: '',
    viewportWidth: 0,
    viewportHeight: 0,
    scrollX: 0,
    scrollY: 0,
    documentNodeId: DEFAULT_DOCUMENT_NODE_ID,
    movePositions: 0,
    lastTs: -Number.MAX_SAFE_INTEGER,
  };
}

export function deriveChunkRows(
  events: readonly RecordedEvent[],
  carry: WindowCarry | null,
  options: Partial<DeriveOptions> = {},
): DerivedChunk {
  const { moveSampleEvery, pagePatterns, maxPageKeySteps } = { ...defaultDeriveOptions, ...options };
  const pageKeyOf = chunkPageKeys(pagePatterns, maxPageKeySteps);
  const state: WindowCarry = carry ? { ...carry } : freshCarry();
  const views: ViewState[] = [];
  const clicks: Array<Omit<DerivedClick, 'view'> & { view: ViewState }> = [];
  const formEvents: Array<Omit<DerivedFormEvent, 'view'> & { view: ViewState }> = [];
  const errors: Array<Omit<DerivedPageError, 'view'> & { view: ViewState }> = [];
  const moves = new Map<string, Omit<DerivedMoveCell, 'view'> & { view: ViewState }>();
  let current: ViewState | null = null;

  const openView = (url: string, ts: number, continues: boolean): ViewState => {
    const view: ViewState = {
      id: views.length,
      continues,
      url,
      ts,
      lastTs: ts,
      events: 0,
      viewportWidth: 0,
      viewportHeight: 0,
      maxSeenBottom: null,
      documentHeight: null,
      snapshotTs: null,
    };
    views.push(view);
    return view;
  };

  for (const event of timeline(events)) {
    const ts = event.timestamp;
    const navigation = navigationUrlOf(event);
    const url = navigation === null ? null : clip(navigation, MAX_URL_CHARS);
    current ??= carry ? openView(carry.url, ts, true) : openView('', ts, false);
    if (url !== null && current.url !== '' && url !== current.url) {
      current = openView(url, ts, false);
      // A new document starts at its top; its full snapshot says otherwise when restored mid-page.
      state.scrollX = 0;
      state.scrollY = 0;
    } else if (url !== null && current.url === '') {
      current.url = url;
    }
    const view = current;
    view.events += 1;
    view.lastTs = Math.max(view.lastTs, ts);
    state.lastTs = Math.max(state.lastTs, ts);

    const snapshot = fullSnapshotOf(event);
    if (snapshot) {
      state.documentNodeId = snapshot.documentNodeId;
      state.scrollY = snapshot.initialScrollY;
      const offset = event.data.initialOffset as { left?: unknown } | undefined;
      state.scrollX = typeof offset?.left === 'number' && Number.isFinite(offset.left) ? offset.left : 0;
      view.snapshotTs ??= ts;
    }
    const scroll = scrollOf(event);
    if (scroll && scroll.id === state.documentNodeId) {
      state.scrollX = scroll.x;
      state.scrollY = scroll.y;
    }
    const viewport = viewportOf(event);
    if (viewport && viewport.width > 0) {
      state.viewportWidth = Math.round(viewport.width);
      state.viewportHeight = Math.round(viewport.height);
    }
    // A view's viewport is the one it opened with, or the first one known in it.
    if (view.events === 1 || view.viewportWidth === 0) {
      view.viewportWidth = state.viewportWidth;
      view.viewportHeight = state.viewportHeight;
    }

    const click = slPayload(event, SlTag.Click);
    if (click) {
      const { tag, ox, oy, x, y, vw, vh, dw, dh } = click;
      const selector = clip(click.selector, MAX_SELECTOR_CHARS);
      const label = clip(click.label ?? '', MAX_ELEMENT_LABEL_CHARS);
      const device = deviceOf(vw > 0 ? vw : state.viewportWidth);
      clicks.push({ view, ts, selector, tag: clip(tag, MAX_LABEL_CHARS), label, ox, oy, x, y, vw, vh, dw, dh, device });
      if (dh > 0) view.documentHeight = Math.max(view.documentHeight ?? 0, dh);
    }

    const field = slPayload(event, SlTag.Field);
    if (field) {
      formEvents.push({
        view,
        ts,
        action: field.action,
        form: clip(field.form, MAX_SELECTOR_CHARS),
        field: clip(field.field, MAX_SELECTOR_CHARS),
        name: clip(field.name, MAX_LABEL_CHARS),
        kind: clip(field.kind, MAX_LABEL_CHARS),
        label: clip(field.label ?? '', MAX_ELEMENT_LABEL_CHARS),
      });
    }
    const submit = slPayload(event, SlTag.Submit);
    if (submit) {
      formEvents.push({ view, ts, action: 'submit', form: clip(submit.form, MAX_SELECTOR_CHARS), field: '', name: '', kind: '', label: '' });
    }
    const uncaught = slPayload(event, SlTag.Error);
    if (uncaught) errors.push({ view, ts, kind: 'uncaught', message: clip(uncaught.message, MAX_MESSAGE_CHARS) });
    const logged = slPayload(event, SlTag.Console);
    if (logged?.level === 'error') errors.push({ view, ts, kind: 'console', message: clip(logged.message, MAX_MESSAGE_CHARS) });

    const isMove =
      isIncremental(event, RrwebIncrementalSource.MouseMove) || isIncremental(event, RrwebIncrementalSource.TouchMove);
    if (isMove && Array.isArray(event.data.positions)) {
      for (const position of event.data.positions as Array<{ x?: unknown; y?: unknown }>) {
        if (typeof position?.x !== 'number' || typeof position.y !== 'number') continue;
        state.movePositions += 1;
        if (state.movePositions % moveSampleEvery !== 0) continue;
        const { cx, cy } = pageCell(position.x + state.scrollX, position.y + state.scrollY);
        const device = deviceOf(state.viewportWidth);
        const day = dayOf(ts);
        const key = `${view.id} ${device} ${day} ${state.viewportWidth} ${cx} ${cy}`;
        const cell = moves.get(key);
        if (cell) cell.count += 1;
        else moves.set(key, { view, device, day, documentWidth: state.viewportWidth, cx, cy, count: 1 });
      }
    }

    if (state.viewportHeight > 0) view.maxSeenBottom = Math.max(view.maxSeenBottom ?? 0, state.scrollY + state.viewportHeight);
  }

  if (current) state.url = current.url;
  // The carried view is opened before the first event is read; it stays out when that event left it at once.
  const kept = views.filter((view) => view.events > 0);
  const indexOf = (view: ViewState) => kept.indexOf(view);
  const toView = (view: ViewState): DerivedPageView => ({
    continues: view.continues,
    url: view.url,
    pageKey: pageKeyOf(view.url),
    ts: view.ts,
    lastTs: view.lastTs,
    device: deviceOf(view.viewportWidth),
    viewportWidth: view.viewportWidth,
    viewportHeight: view.viewportHeight,
    maxSeenBottom: view.maxSeenBottom,
    documentHeight: view.documentHeight,
    snapshotTs: view.snapshotTs,
  });
  return {
    views: kept.map(toView),
    clicks: clicks.map(({ view, ...click }) => ({ ...click, view: indexOf(view) })),
    moves: [...moves.values()].map(({ view, ...cell }) => ({ ...cell, view: indexOf(view) })),
    formEvents: formEvents.map(({ view, ...form }) => ({ ...form, view: indexOf(view) })),
    errors: errors.map(({ view, ...error }) => ({ ...error, view: indexOf(view) })),
    carry: state,
  };
}
