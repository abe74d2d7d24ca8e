/**
 * One consumer transaction: claim windows with queued chunks, fold each window's chunks in seq order, write the
 * sessions' summaries and funnel timelines, and remove the queue entries, all in one immediate transaction, so a
 * crash anywhere leaves either all of it or none. A window whose queued chunks all come after what it has folded
 * continues from its carry (over as many transactions as it takes); otherwise (a late chunk) its derived rows are
 * taken out and all its chunks folded again from the first, so the result is the same as had they arrived in order.
 */
import { scoreSession } from '../analytics/friction.ts';
import type { Config } from '../config.ts';
import { createChunkQueries, type WindowChunk } from '../storage/chunks.ts';
import type { Database } from '../storage/db.ts';
import { createDeriveQueue, type PendingWindow } from '../storage/derive-queue.ts';
import { createDerivedReset } from '../storage/derived-reset.ts';
import { createFunnelTimelineQueries } from '../storage/funnel-timelines.ts';
import { CellTally, createHeatmapQueries } from '../storage/heatmap-cells.ts';
import { createOutboxQueries } from '../storage/outbox.ts';
import { createProjectQueries } from '../storage/projects.ts';
import { createSessionMoveQueries, MoveLedger } from '../storage/session-moves.ts';
import { createSessionFactQueries } from '../storage/session-facts.ts';
import { createSessionQueries } from '../storage/sessions.ts';
import { createSignalQueries } from '../storage/signals.ts';
import { createWindowCarryQueries } from '../storage/window-carry.ts';
import type { WebhookEventDraft } from '../storage/webhook-events.ts';
import type { ChunkEventCache } from './chunk-event-cache.ts';
import { decodeStoredChunk } from './chunk-events.ts';
import { createChunkFolder, type BatchTallies, type FoldingWindow } from './fold-chunk.ts';
import { combineWindows, emptyWindowSummary } from './window-summary.ts';

export interface BatchLimits {
  /** Claim the windows of this many of the oldest queued chunks. */
  maxChunks: number;
  /** Take no further session once the transaction has run this long, in ms. */
  maxMs: number;
  /** Windows not to claim (they failed in this process; they stay queued). */
  skip?: ReadonlySet<string>;
}

export interface BatchResult {
  /** Queued chunks derived and removed from the queue. */
  chunks: number;
  /** Of those, chunks ingest queued (not a re-derivation's). */
  liveChunks: number;
  /** When each of those was queued (received), ms since epoch: their lag is the time from then to this commit. */
  liveQueuedAt: number[];
  windows: number;
}

/** Called inside the transaction after each window is folded: the crash tests' hook (config.testDeriveKill). */
export type AfterWindowHook = (window: PendingWindow) => void;

export const windowKey = (window: { sessionId: string; windowId: string }) => `${window.sessionId}\n${window.windowId}`;

export function createBatchDeriver(
  db: Database,
  cache: ChunkEventCache,
  config: Pick<Config, 'activityGapMs' | 'maxPageKeySteps'>,
  afterWindow?: AfterWindowHook,
) {
  const queue = createDeriveQueue(db);
  const chunks = createChunkQueries(db);
  const windows = createWindowCarryQueries(db);
  const sessions = createSessionQueries(db);
  const projects = createProjectQueries(db);
  const signals = createSignalQueries(db);
  const reset = createDerivedReset(db);
  const funnelTimelines = createFunnelTimelineQueries(db);
  const outbox = createOutboxQueries(db);
  const heatmaps = createHeatmapQueries(db);
  const sessionMoves = createSessionMoveQueries(db);
  const sessionFacts = createSessionFactQueries(db);
  const folder = createChunkFolder(db, cache, config);

  /**
   * Folds the window's queued chunks, in seq order, onto its carry, or from its first chunk when every chunk of the
   * window is queued (a new window, or one a re-derivation reset): either may stop after `budget` chunks or at
   * `deadline`, the rest staying queued for the next transaction to continue. Otherwise (a chunk below what the window
   * folded) the window is taken out and all its chunks folded again, whole. Returns the chunks folded (their queue
   * entries are removed) and the webhook events their new signals call for.
   */
  function deriveWindow(pending: PendingWindow, pagePatterns: readonly string[], budget: number, deadline: number, tallies: BatchTallies) {
    const { projectId, sessionId, windowId } = pending;
    const stored = windows.get(sessionId, windowId);
    const owner = { projectId, sessionId, windowId, pagePatterns };
    const fresh = { carry: null, pageViewId: null, summary: emptyWindowSummary(), derivedSeq: null };
    let folding: FoldingWindow;
    let toFold: Array<() => WindowChunk | undefined>;
    let resumable = true;
    if (stored !== undefined && stored.derivedSeq !== null && pending.chunks[0]!.seq > stored.derivedSeq) {
      folding = { ...owner, ...stored, announced: new Set() };
      toFold = pending.chunks.map(({ seq }) => () => chunks.get(sessionId, windowId, seq));
    } else if (stored?.derivedSeq == null && chunks.countOfWindow(sessionId, windowId) === pending.chunks.length) {
      // After a re-derivation's reset the window has no rows left: this only makes sure.
      if (stored) reset.resetWindow(sessionId, windowId, tallies.cells);
      folding = { ...owner, ...fresh, announced: new Set() };
      toFold = pending.chunks.map(({ seq }) => () => chunks.get(sessionId, windowId, seq));
    } else {
      // What the window announced before stays announced: a late chunk folded again must not send it twice.
      const announced = signals.keysOfWindow(sessionId, windowId);
      reset.resetWindow(sessionId, windowId, tallies.cells);
      folding = { ...owner, ...fresh, announced };
      toFold = chunks.ofWindow(sessionId, windowId).map((chunk) => () => chunk);
      resumable = false;
    }
    // Only a chunk ingest queued announces what it finds: chunks folded before already did, re-derivations never do.
    const loud = new Map(pending.chunks.map((chunk) => [chunk.seq, !chunk.quiet]));
    const drafts: WebhookEventDraft[] = [];
    let folded = 0;
    for (const load of toFold) {
      if (resumable && folded > 0 && (folded >= budget || performance.now() > deadline)) break;
      folded += 1;
      const chunk = load();
      if (!chunk) continue;
      const events = decodeStoredChunk(cache, { sessionId, windowId, seq: chunk.seq, eventsGz: chunk.eventsGz });
      drafts.push(...folder.fold(folding, { ...chunk, events }, loud.get(chunk.seq) === true, tallies));
    }
    const { carry, pageViewId, summary, derivedSeq } = folding;
    if (carry !== null) windows.put(sessionId, windowId, { carry, pageViewId, summary, derivedSeq });
    const done = resumable ? pending.chunks.slice(0, folded) : pending.chunks;
    if (done.length === pending.chunks.length) queue.removeWindow(sessionId, windowId);
    else queue.removeThrough(sessionId, windowId, done.at(-1)!.seq);
    return { drafts, done };
  }

  const run = db.transaction((limits: BatchLimits): BatchResult => {
    const started = performance.now();
    const skip = limits.skip ?? new Set<string>();
    const claimed = queue.claimPending(limits.maxChunks + skip.size).filter((window) => !skip.has(windowKey(window)));
    // A session's windows are folded together: its funnel timeline is repacked and its summary written once.
    const bySession = new Map<string, PendingWindow[]>();
    for (const window of claimed) bySession.set(window.sessionId, [...(bySession.get(window.sessionId) ?? []), window]);
    const patterns = new Map<number, string[]>();
    const result: BatchResult = { chunks: 0, liveChunks: 0, liveQueuedAt: [], windows: 0 };
    // Every bucket the transaction's chunks touch is written once, at its end: consecutive chunks share most.
    const tallies: BatchTallies = { cells: new CellTally(), moves: new MoveLedger() };
    for (const [sessionId, pending] of bySession) {
      if (result.chunks >= limits.maxChunks || (result.chunks > 0 && performance.now() - started > limits.maxMs)) break;
      const projectId = pending[0]!.projectId;
      let pagePatterns = patterns.get(projectId);
      if (!pagePatterns) patterns.set(projectId, (pagePatterns = projects.pagePatterns(projectId)));
      const drafts: WebhookEventDraft[] = [];
      funnelTimelines.repackOnceAfter(sessionId, () => {
        for (const window of pending) {
          const budget = Math.max(1, limits.maxChunks - result.chunks);
          const { drafts: found, done } = deriveWindow(window, pagePatterns, budget, started + limits.maxMs, tallies);
          drafts.push(...found);
          result.windows += 1;
          result.chunks += done.length;
          for (const chunk of done) if (!chunk.quiet) result.liveQueuedAt.push(chunk.queuedAt);
          result.liveChunks = result.liveQueuedAt.length;
          afterWindow?.(window);
        }
      });
      sessions.writeSummary(sessionId, combineWindows(windows.summariesOf(sessionId)));
      // After the summary, signals, form events and tracked events are in: the badges and friction follow them.
      sessionFacts.refresh(sessionId, scoreSession);
      // After the summary: an event names the session's user as its chunks so far identified them.
      const now = Date.now();
      for (const draft of drafts) outbox.enqueue(projectId, draft, now);
    }
    heatmaps.apply(tallies.cells);
    sessionMoves.write(tallies.moves);
    return result;
  });

  return {
    /** Derives up to about `limits` of queued chunks in one immediate transaction; resolves what it derived. */
    deriveBatch(limits: BatchLimits): BatchResult {
      return run.immediate(limits);
    },
  };
}
