/**
 * Writes what ingest derives from one chunk, inside the chunk's transaction: page views, clicks, heatmap buckets,
 * form events, page errors, the window's carry, and the window's signals recomputed around the chunk.
 */
import { gunzipSync } from 'node:zlib';
import { dayOf } from '../../contract/buckets.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { ChunkEventCache } from './chunk-event-cache.ts';
import { createChunkQueries } from './chunks.ts';
import { createClickQueries } from './clicks.ts';
import type { Database } from './db.ts';
import type { ChunkDerivation, DerivedChunk, SignalFinding } from './derived-model.ts';
import { createFormEventQueries } from './form-events.ts';
import { createPageErrorQueries } from './page-errors.ts';
import { addClickPoint, CellTally, createHeatmapQueries } from './heatmap-cells.ts';
import { createOutboxQueries } from './outbox.ts';
import { createPageViewQueries } from './page-views.ts';
import { createSessionMoveQueries } from './session-moves.ts';
import { createSignalQueries, signalKey, type SignalRecord } from './signals.ts';
import { createWindowCarryQueries, type StoredCarry } from './window-carry.ts';

/** The chunk just stored, as the derived writes need it. */
export interface StoredChunkInfo {
  projectId: number;
  sessionId: string;
  windowId: string;
  seq: number;
  events: RecordedEvent[];
  firstTs: number;
  lastTs: number;
  /** The events as stored, compressed, and their JSON's length in bytes: the chunk is cached as the next batches' context. */
  eventsGz: Buffer;
  rawBytes: number;
}

export function createDerivedWriter(db: Database) {
  const chunks = createChunkQueries(db);
  const pageViews = createPageViewQueries(db);
  const clicks = createClickQueries(db);
  const formEvents = createFormEventQueries(db);
  const pageErrors = createPageErrorQueries(db);
  const heatmaps = createHeatmapQueries(db);
  const signals = createSignalQueries(db);
  const carries = createWindowCarryQueries(db);
  const sessionMoves = createSessionMoveQueries(db);
  const outbox = createOutboxQueries(db);
  const decoded = new ChunkEventCache();

  function writeRows(chunk: StoredChunkInfo, derived: DerivedChunk, stored: StoredCarry | undefined, tally: CellTally) {
    const { projectId, sessionId, windowId } = chunk;
    const viewIds = derived.views.map((view) => {
      if (view.continues && stored?.pageViewId != null) {
        pageViews.extend(stored.pageViewId, view);
        return stored.pageViewId;
      }
      const day = dayOf(view.ts);
      if (view.pageKey !== '') tally.addPage({ projectId, pageKey: view.pageKey, device: view.device, day }, { views: 1 });
      return pageViews.insert(view, { projectId, sessionId, windowId, day });
    });

    for (const { view: index, ...click } of derived.clicks) {
      const view = derived.views[index];
      const day = dayOf(click.ts);
      clicks.insert({ ...click, projectId, sessionId, windowId, pageKey: view.pageKey, url: view.url, day });
      const base = { projectId, pageKey: view.pageKey, device: click.device, day };
      addClickPoint(tally, 'click', base, click, 1);
      if (view.pageKey !== '') tally.addPage(base, { clicks: 1 });
    }

    for (const { view: index, documentWidth, cx, cy, count, device, day } of derived.moves) {
      const { pageKey } = derived.views[index];
      if (pageKey === '') continue;
      const base = { projectId, pageKey, device, day };
      tally.add({ ...base, kind: 'move', selector: '', anchor: 'page', documentWidth, cx, cy }, count);
      tally.addPage(base, { moves: count });
      sessionMoves.add(sessionId, { ...base, documentWidth, cx, cy, count });
    }

    for (const { view: index, ...event } of derived.formEvents) {
      const pageKey = derived.views[index].pageKey;
      formEvents.insert({ ...event, projectId, sessionId, windowId, pageViewId: viewIds[index], pageKey });
    }

    for (const { view: index, ...error } of derived.errors) {
      const { pageKey, device } = derived.views[index];
      pageErrors.insert({ ...error, projectId, sessionId, windowId, pageKey, device });
    }

    const pageViewId = viewIds.at(-1) ?? stored?.pageViewId ?? null;
    carries.put(sessionId, windowId, { carry: derived.carry, pageViewId });
  }

  /** The window's events of every stored chunk with an event time in [from, to], the new chunk's from memory. */
  function contextEvents(chunk: StoredChunkInfo, from: number, to: number): RecordedEvent[] {
    const { sessionId, windowId } = chunk;
    const events: RecordedEvent[] = [];
    for (const { seq, eventsGz } of chunks.overlapping(sessionId, windowId, from, to)) {
      let part = seq === chunk.seq ? chunk.events : decoded.get(sessionId, windowId, seq, eventsGz);
      if (!part) {
        const json = gunzipSync(eventsGz);
        const parsed = JSON.parse(json.toString('utf8')) as RecordedEvent[];
        decoded.put(sessionId, windowId, seq, { eventsGz, events: parsed, rawBytes: json.byteLength });
        part = parsed;
      }
      for (const event of part) events.push(event);
    }
    return events;
  }

  /** A finding with its owner, and its page and element anchor from the sl:click it was found on. */
  function placeSignal(chunk: StoredChunkInfo, finding: SignalFinding): SignalRecord {
    const { projectId, sessionId, windowId } = chunk;
    const owner = { projectId, sessionId, windowId };
    const click = clicks.placement(sessionId, windowId, finding.ts, finding.selector);
    if (click) return { ...finding, ...owner, ...click };
    const view = pageViews.viewAt(sessionId, windowId, finding.ts);
    const place = view ?? { pageKey: '', device: 'desktop' as const, day: dayOf(finding.ts) };
    return { ...finding, ...owner, ...place, ox: null, oy: null, dw: null };
  }

  /**
   * Recomputes the window's signals that the chunk can have changed. A click is judged on the events around it, so
   * the signals from `margin` before the earlier of (chunk start, previous end of the window) to `margin` after
   * the chunk are replaced, computed over the chunks that reach another `margin` further: a rage burst split
   * across two batches is found once, and a click left unjudged at the end of the last batch is judged now.
   */
  function refreshSignals(chunk: StoredChunkInfo, derivation: ChunkDerivation, previousEnd: number | null, tally: CellTally) {
    const margin = derivation.signalContextMs;
    const from = Math.min(chunk.firstTs, previousEnd ?? chunk.firstTs) - margin;
    const to = chunk.lastTs + margin;
    const found = derivation
      .signals(contextEvents(chunk, from - margin, to + margin))
      .filter((finding) => finding.ts >= from && finding.ts <= to)
      .map((finding) => placeSignal(chunk, finding));
    const { removed, added } = signals.replaceInRange(chunk.sessionId, chunk.windowId, from, to, found);
    // A signal is new when no stored one had its key: a burst that grew keeps its key and is not announced twice.
    const replaced = new Set(removed.map(signalKey));
    const now = Date.now();
    for (const record of added) if (!replaced.has(signalKey(record))) outbox.enqueueSignal(record, now);
    for (const [records, sign] of [[removed, -1], [added, 1]] as const) {
      for (const record of records) {
        if (record.ox === null || record.oy === null || record.dw === null) continue;
        const base = { projectId: record.projectId, pageKey: record.pageKey, device: record.device, day: record.day };
        addClickPoint(tally, record.kind, base, { ...record, ox: record.ox, oy: record.oy, dw: record.dw }, sign);
      }
    }
  }

  return {
    /** Forgets the cached events of deleted sessions. */
    forgetSessions(sessionIds: ReadonlySet<string>): void {
      decoded.forgetSessions(sessionIds);
    },

    /** Derives and writes everything for a newly stored chunk; the caller holds the transaction. */
    write(chunk: StoredChunkInfo, derivation: ChunkDerivation): void {
      const stored = carries.get(chunk.sessionId, chunk.windowId);
      const tally = new CellTally();
      writeRows(chunk, derivation.rows(stored?.carry ?? null), stored, tally);
      refreshSignals(chunk, derivation, stored?.carry.lastTs ?? null, tally);
      heatmaps.apply(tally);
      // The events as received equal the stored JSON parsed again: they were parsed from JSON, and sanitizing only
      // replaces or removes values.
      const { sessionId, windowId, seq, events, eventsGz, rawBytes } = chunk;
      decoded.put(sessionId, windowId, seq, { eventsGz, events, rawBytes });
    },
  };
}
