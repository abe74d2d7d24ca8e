/**
 * Folds one chunk into its window, inside the consumer's transaction: the window's share of the session summary,
 * custom events and session pages, page views, clicks, heatmap buckets, form events, page errors, and the window's signals
 * recomputed around the chunk (a new rage or error click also enters the webhook outbox, unless quiet).
 * Everything a step reads of earlier steps (the carry, stored clicks and views, the window's chunks up to this one)
 * is what folding the window's chunks in seq order left, so a window folded again gives the same rows.
 */
import { dayOf } from '../../contract/buckets.ts';
import type { Config } from '../config.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { createChunkQueries } from '../storage/chunks.ts';
import { createClickQueries } from '../storage/clicks.ts';
import { createCustomEventQueries } from '../storage/custom-events.ts';
import type { Database } from '../storage/db.ts';
import type { DerivedChunk, SignalFinding, WindowCarry } from '../storage/derived-model.ts';
import { createFormEventQueries } from '../storage/form-events.ts';
import { addClickPoint, type CellTally } from '../storage/heatmap-cells.ts';
import { createOutboxQueries } from '../storage/outbox.ts';
import { createPageErrorQueries } from '../storage/page-errors.ts';
import { createPageViewQueries } from '../storage/page-views.ts';
import type { MoveLedger } from '../storage/session-moves.ts';
import { createSessionQueries } from '../storage/sessions.ts';
import { createSignalQueries, signalKey, type SignalRecord } from '../storage/signals.ts';
import type { WindowSummary } from '../storage/window-carry.ts';
import { signalDraft, signalEventTypes } from '../webhooks/drafts.ts';
import type { WebhookEventDraft } from '../storage/webhook-events.ts';
import type { ChunkEventCache } from './chunk-event-cache.ts';
import { decodeStoredChunk } from './chunk-events.ts';
import { deriveChunkRows } from './derive-rows.ts';
import { findSignals, SIGNAL_CONTEXT_MS } from './derive-signals.ts';
import { summarizeEvents } from './session-summary.ts';
import { foldSummary } from './window-summary.ts';

/** A window being folded, and where its fold stands (updated by each chunk folded). */
export interface FoldingWindow {
  projectId: number;
  sessionId: string;
  windowId: string;
  pagePatterns: readonly string[];
  /** Null before the window's first chunk. */
  carry: WindowCarry | null;
  pageViewId: number | null;
  summary: WindowSummary;
  derivedSeq: number | null;
  /** Keys of signals the window had before it was folded again: found again, they are not announced again. */
  announced: ReadonlySet<string>;
}

/** What a transaction's chunks add up in memory and write once at its end (nothing folding reads them). */
export interface BatchTallies {
  /** Heatmap bucket and page-day changes. */
  cells: CellTally;
  /** Each window's share of the move buckets. */
  moves: MoveLedger;
}

/** The chunk being folded, decoded. */
export interface FoldedChunk {
  seq: number;
  firstTs: number;
  lastTs: number;
  eventsGz: Buffer;
  events: readonly RecordedEvent[];
}

export function createChunkFolder(db: Database, cache: ChunkEventCache, config: Pick<Config, 'activityGapMs' | 'maxPageKeySteps'>) {
  const chunks = createChunkQueries(db);
  const sessions = createSessionQueries(db);
  const customEvents = createCustomEventQueries(db);
  const pageViews = createPageViewQueries(db);
  const clicks = createClickQueries(db);
  const formEvents = createFormEventQueries(db);
  const pageErrors = createPageErrorQueries(db);
  const signals = createSignalQueries(db);
  const outbox = createOutboxQueries(db);

  /** Writes the chunk's rows; returns the id of the page view the window is on after it. */
  function writeRows(window: FoldingWindow, derived: DerivedChunk, { cells: tally, moves }: BatchTallies): number | null {
    const { projectId, sessionId, windowId } = window;
    const viewIds = derived.views.map((view) => {
      if (view.continues && window.pageViewId !== null) {
        pageViews.extend(window.pageViewId, view);
        // A view opened before any navigation named it gets its page now, and counts as a view of that page then.
        const place = window.carry?.url === '' && view.pageKey !== '' ? pageViews.placeOf(window.pageViewId) : undefined;
        if (place) tally.addPage({ projectId, pageKey: view.pageKey, ...place }, { views: 1 });
        return window.pageViewId;
      }
      const day = dayOf(view.ts);
      if (view.pageKey !== '') tally.addPage({ projectId, pageKey: view.pageKey, device: view.device, day }, { views: 1 });
      return pageViews.insert(view, { projectId, sessionId, windowId, day });
    });

    for (const { view: index, ...click } of derived.clicks) {
      const view = derived.views[index]!;
      const day = dayOf(click.ts);
      clicks.insert({ ...click, projectId, sessionId, windowId, pageKey: view.pageKey, url: view.url, day });
      const base = { projectId, pageKey: view.pageKey, device: click.device, day };
      addClickPoint(tally, 'click', base, click, 1);
      if (view.pageKey !== '') tally.addPage(base, { clicks: 1 });
    }

    for (const { view: index, documentWidth, cx, cy, count, device, day } of derived.moves) {
      const { pageKey } = derived.views[index]!;
      if (pageKey === '') continue;
      const base = { projectId, pageKey, device, day };
      tally.add({ ...base, kind: 'move', selector: '', anchor: 'page', documentWidth, cx, cy }, count);
      tally.addPage(base, { moves: count });
      moves.add(sessionId, windowId, { ...base, documentWidth, cx, cy, count });
    }

    for (const { view: index, ...event } of derived.formEvents) {
      const pageKey = derived.views[index]!.pageKey;
      formEvents.insert({ ...event, projectId, sessionId, windowId, pageViewId: viewIds[index]!, pageKey });
    }

    for (const { view: index, ...error } of derived.errors) {
      const { pageKey, device } = derived.views[index]!;
      pageErrors.insert({ ...error, projectId, sessionId, windowId, pageKey, device });
    }
    return viewIds.at(-1) ?? window.pageViewId;
  }

  /** The window's events with an event time in [from, to] of its chunks up to this one, this one's from memory. */
  function contextEvents(window: FoldingWindow, chunk: FoldedChunk, from: number, to: number): RecordedEvent[] {
    const { sessionId, windowId } = window;
    const events: RecordedEvent[] = [];
    for (const { seq, eventsGz } of chunks.overlapping(sessionId, windowId, from, to, chunk.seq)) {
      const part = seq === chunk.seq ? chunk.events : decodeStoredChunk(cache, { sessionId, windowId, seq, eventsGz });
      for (const event of part) events.push(event);
    }
    return events;
  }

  /** A finding with its owner, and its page and element anchor from the sl:click it was found on. */
  function placeSignal(window: FoldingWindow, finding: SignalFinding): SignalRecord {
    const { projectId, sessionId, windowId } = window;
    const owner = { projectId, sessionId, windowId };
    const click = clicks.placement(sessionId, windowId, finding.ts, finding.selector);
    if (click) return { ...finding, ...owner, ...click };
    const view = pageViews.viewAt(sessionId, windowId, finding.ts);
    const place = view ?? { pageKey: '', device: 'desktop' as const, day: dayOf(finding.ts) };
    return { ...finding, ...owner, ...place, ox: null, oy: null, dw: null };
  }

  /** rage_click or error_click for a signal found for the first time; looked up first, as most find no subscriber. */
  function draftFor(signal: SignalRecord): WebhookEventDraft | null {
    const type = signalEventTypes[signal.kind];
    if (!type || !outbox.wanted(signal.projectId, type)) return null;
    return signalDraft({ ...signal, url: pageViews.urlAt(signal.sessionId, signal.windowId, signal.ts) });
  }

  /**
   * Recomputes the window's signals that the chunk can have changed. A click is judged on the events around it, so
   * the signals from the margin before the earlier of (chunk start, previous end of the window) to the margin after
   * the chunk are replaced, computed over the chunks that reach another margin further: a rage burst split across
   * two batches is found once, and a click left unjudged at the end of the last batch is judged now.
   */
  function refreshSignals(window: FoldingWindow, chunk: FoldedChunk, previousEnd: number | null, loud: boolean, tally: CellTally) {
    const drafts: WebhookEventDraft[] = [];
    const margin = SIGNAL_CONTEXT_MS;
    const from = Math.min(chunk.firstTs, previousEnd ?? chunk.firstTs) - margin;
    const to = chunk.lastTs + margin;
    const found = findSignals(contextEvents(window, chunk, from - margin, to + margin))
      .filter((finding) => finding.ts >= from && finding.ts <= to)
      .map((finding) => placeSignal(window, finding));
    const { removed, added } = signals.replaceInRange(window.sessionId, window.windowId, from, to, found);
    if (loud) {
      // A signal is new when no stored one had its key: a burst that grew keeps its key and is not announced twice.
      const replaced = new Set(removed.map(signalKey));
      for (const record of added) {
        const key = signalKey(record);
        const draft = replaced.has(key) || window.announced.has(key) ? null : draftFor(record);
        if (draft) drafts.push(draft);
      }
    }
    for (const [records, sign] of [[removed, -1], [added, 1]] as const) {
      for (const record of records) {
        if (record.ox === null || record.oy === null || record.dw === null) continue;
        const base = { projectId: record.projectId, pageKey: record.pageKey, device: record.device, day: record.day };
        addClickPoint(tally, record.kind, base, { ...record, ox: record.ox, oy: record.oy, dw: record.dw }, sign);
      }
    }
    return drafts;
  }

  return {
    /**
     * Folds the window's next chunk (in seq order) into it, writing everything derived from it; the caller holds the
     * transaction. Heatmap, page-day and move-ledger changes are added to `tallies`, which the caller writes once
     * for all the chunks of its transaction. `loud`: a signal found for the first time is drafted
     * as a webhook event (a new chunk, not a re-derivation or a chunk folded before); the caller puts the drafts in
     * the outbox once the session's summary (its user id) is written.
     */
    fold(window: FoldingWindow, chunk: FoldedChunk, loud: boolean, tallies: BatchTallies): WebhookEventDraft[] {
      const { sessionId, windowId } = window;
      const delta = summarizeEvents(chunk.events, { lastInputTs: window.summary.lastInputTs }, config);
      const derived = deriveChunkRows(chunk.events, window.carry, { pagePatterns: window.pagePatterns, maxPageKeySteps: config.maxPageKeySteps });
      const previousEnd = window.carry?.lastTs ?? null;
      const pageViewId = writeRows(window, derived, tallies);
      customEvents.insertAll(sessionId, windowId, delta.customEvents);
      sessions.addPages(sessionId, delta.pages);
      const drafts = refreshSignals(window, chunk, previousEnd, loud, tallies.cells);
      window.carry = derived.carry;
      window.pageViewId = pageViewId;
      window.summary = foldSummary(window.summary, delta);
      window.derivedSeq = chunk.seq;
      return drafts;
    },
  };
}
