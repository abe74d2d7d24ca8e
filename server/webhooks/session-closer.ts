/**
 * The session closer: every sweep closes the sessions that received no batch for the idle timeout, with the
 * cart_abandoned and form_abandoned events their rows call for (drafted here, stored with the closing: see
 * storage/session-close.ts), and prunes the delivery log. Started by main.ts like the retention sweeper.
 */
import { defaultCheckoutOptions } from '../analytics/checkout-metrics.ts';
import type { WebhookStore } from '../storage/webhook-store.ts';
import { closingDrafts } from './drafts.ts';

/** Sessions closed per transaction, so a backlog never holds the write lock for long. */
export const CLOSE_BATCH = 200;

export interface SessionCloserOptions {
  /** A session idle this long is closed, in ms. */
  idleMs: number;
  /** Finished deliveries older than this are pruned, in ms. */
  logRetentionMs: number;
}

/** Closes every session idle at `now` and prunes the log; resolves with how many sessions were closed. */
export async function closeIdleSessions(store: WebhookStore, options: SessionCloserOptions, now: number = Date.now()): Promise<number> {
  let total = 0;
  const idleBefore = now - options.idleMs;
  for (;;) {
    const due = await store.idleSessions(idleBefore, CLOSE_BATCH, defaultCheckoutOptions);
    const closings = due.map(({ sessionId, projectId, wants, trackedEvents, formRows }) => ({
      sessionId,
      projectId,
      drafts: closingDrafts({ sessionId, trackedEvents, formRows }, wants, defaultCheckoutOptions),
    }));
    total += await store.closeSessions(closings, idleBefore, now);
    // Those skipped (closed meanwhile, or active again) are no longer due, so a short read means none are left.
    if (due.length < CLOSE_BATCH) break;
  }
  await store.pruneDeliveries(now - options.logRetentionMs);
  return total;
}

/** Sweeps now and then every `intervalMs`; the timer never keeps the process alive. Returns a stop function. */
export function startSessionCloser(store: WebhookStore, options: SessionCloserOptions & { intervalMs: number }): () => void {
  if (options.intervalMs <= 0) return () => {};
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      await closeIdleSessions(store, options);
    } catch (error) {
      console.error('Sightline: closing idle sessions failed; it will run again', error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(sweep, options.intervalMs);
  timer.unref();
  void sweep();
  return () => clearInterval(timer);
}
