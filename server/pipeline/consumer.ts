/**
 * Runs derivation in the server's process: woken by each append (and by a slow timer, for chunks another process
 * queued), it runs one transaction at a time and goes back to the event loop between them, so requests keep being
 * answered however far behind it is. When behind it takes many chunks per transaction, which shares the cost of
 * each commit. Acknowledging goes first: while batches keep arriving, it waits after each transaction as long as
 * the transaction took (half the time each), and while they leave the event loop no idle moment in that wait, four
 * times as long (a fifth: `ingestShare`), so a burst builds a backlog (bounded by SIGHTLINE_MAX_BACKLOG) that is
 * derived once it passes; when nothing arrives it derives back to back. A window whose derivation throws is left
 * queued (never lost) and skipped by this process until it restarts, so one bad chunk cannot stop the rest.
 */
import { performance } from 'node:perf_hooks';
import type { BatchLimits, BatchResult } from './derive-batch.ts';
import { windowKey } from './derive-batch.ts';
import type { PendingWindow } from '../storage/derive-queue.ts';

/** Below this share of idle time in the wait after a transaction, ingest is taken to keep the event loop full. */
const SATURATED_IDLE_SHARE = 0.05;

/** SQLite result codes of a database that cannot write right now, whatever is derived (constraint errors are not). */
const TRANSIENT_SQLITE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_NOMEM', 'SQLITE_READONLY', 'SQLITE_CANTOPEN'];

export interface ConsumerOptions {
  /** Chunks claimed per transaction when behind. Defaults to 200. */
  batchChunks: number;
  /** A transaction takes no further session after this long, in ms. Defaults to 50. */
  batchMs: number;
  /** How often the consumer looks for work when nothing woke it, in ms. Defaults to 1000. */
  pollMs: number;
  /** Start paused (tests of back-pressure); `resume()` starts it. Defaults to false. */
  paused: boolean;
  /** The share of the event loop's time derivation keeps while ingest leaves it no idle moment. Defaults to 0.2. */
  ingestShare: number;
}

export const defaultConsumerOptions: Readonly<ConsumerOptions> = Object.freeze({
  batchChunks: 200,
  batchMs: 50,
  pollMs: 1000,
  paused: false,
  ingestShare: 0.2,
});

export interface Consumer {
  /**
   * Something was queued: derive soon (coalesced; never more than one transaction at a time). `append`: ingest
   * queued it, which tells the consumer that acknowledgements are being made and come first.
   */
  wake(reason?: 'append'): void;
  /** Starts the fallback timer and derives what is already queued. */
  start(): void;
  /** Stops deriving; a transaction under way has already finished (they are synchronous). */
  stop(): void;
  pause(): void;
  resume(): void;
  /** Resolves once a transaction finds nothing left to derive (everything queued so far is derived). */
  drain(): Promise<void>;
  /** Called after each transaction that derived something, with what it derived. */
  onBatch(listener: (result: BatchResult) => void): void;
}

export interface ConsumerDeps {
  deriveBatch(limits: BatchLimits): BatchResult;
  /** The windows of the oldest queued chunks, to find the one that fails when a whole batch did. */
  claimable(limit: number): PendingWindow[];
  /** Where failures are reported. Defaults to console.error. */
  report?: (message: string, error: unknown) => void;
  /** Share of time the event loop sat idle since the previous call, 0..1. Defaults to Node's event loop utilization. */
  idleShare?: () => number;
  /** Milliseconds, for how long a transaction took. Defaults to performance.now. */
  now?: () => number;
}

/** The share of time the event loop sat idle, waiting for I/O, since the previous call. */
export function eventLoopIdleMeter(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const current = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(current, last);
    last = current;
    return 1 - utilization;
  };
}

export function createConsumer(deps: ConsumerDeps, options: Partial<ConsumerOptions> = {}): Consumer {
  const { batchChunks, batchMs, pollMs, paused: startPaused, ingestShare } = { ...defaultConsumerOptions, ...options };
  const report = deps.report ?? ((message, error) => console.error(message, error));
  const idleShare = deps.idleShare ?? eventLoopIdleMeter();
  const now = deps.now ?? (() => performance.now());
  /** Appends since the last transaction began. */
  let appends = 0;
  const failed = new Set<string>();
  const drainers: Array<() => void> = [];
  const listeners: Array<(result: BatchResult) => void> = [];
  let paused = startPaused;
  let stopped = false;
  let scheduled = false;
  let timer: ReturnType<typeof setInterval> | undefined;

  function wake(reason?: 'append'): void {
    if (reason === 'append') appends += 1;
    if (scheduled || paused || stopped) return;
    scheduled = true;
    setImmediate(step);
  }

  /** The next transaction after `waitMs` (0: at the next turn of the event loop). */
  function scheduleIn(waitMs: number): void {
    if (scheduled || paused || stopped) return;
    scheduled = true;
    if (waitMs <= 0) setImmediate(step);
    else setTimeout(step, waitMs).unref();
  }

  /** Derives the oldest window alone, to find the one that throws; that one is skipped from then on. */
  function isolateFailure(error: unknown): void {
    const next = deps.claimable(1 + failed.size).find((window) => !failed.has(windowKey(window)));
    if (!next) return report('Sightline: derivation failed; it will run again', error);
    try {
      deps.deriveBatch({ maxChunks: 1, maxMs: batchMs, skip: failed });
    } catch (windowError) {
      failed.add(windowKey(next));
      report(`Sightline: deriving window ${next.windowId} of session ${next.sessionId} failed; it stays queued`, windowError);
    }
  }

  /** The database itself failed (busy past its timeout, full disk): nothing to blame on a chunk, try again later. */
  const isDatabaseError = (error: unknown) => {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && TRANSIENT_SQLITE_CODES.some((prefix) => code.startsWith(prefix));
  };

  function step(): void {
    scheduled = false;
    if (paused || stopped) return;
    // What happened in the wait before this transaction: batches acknowledged, and how idle ingest left the loop.
    const waitWasIdle = idleShare();
    const acknowledging = appends > 0;
    appends = 0;
    const started = now();
    let result: BatchResult;
    try {
      result = deps.deriveBatch({ maxChunks: batchChunks, maxMs: batchMs, skip: failed });
    } catch (error) {
      if (isDatabaseError(error)) {
        // The poll timer tries again.
        report('Sightline: derivation could not write; it will run again', error);
        return;
      }
      isolateFailure(error);
      // Go on with the others at the next turn (a window that failed alone is skipped now).
      wake();
      return;
    }
    if (result.chunks > 0) {
      const took = now() - started;
      // The wait is measured from here, so its idle share says what ingest left of it.
      idleShare();
      for (const listener of listeners) listener(result);
      const saturated = waitWasIdle < SATURATED_IDLE_SHARE;
      scheduleIn(!acknowledging ? 0 : saturated ? (took * (1 - ingestShare)) / ingestShare : took);
      return;
    }
    for (const resolve of drainers.splice(0)) resolve();
  }

  return {
    wake,
    start() {
      stopped = false;
      timer ??= setInterval(wake, pollMs);
      timer.unref();
      wake();
    },
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      wake();
    },
    drain() {
      return new Promise<void>((resolve) => {
        drainers.push(resolve);
        wake();
      });
    },
    onBatch(listener) {
      listeners.push(listener);
    },
  };
}
