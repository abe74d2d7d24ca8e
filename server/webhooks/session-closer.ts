/**
 * The session closer: every sweep closes the sessions that received no batch for the idle timeout (judging
 * cart_abandoned and form_abandoned for each, see storage/session-close.ts), and prunes the delivery log.
 * Started by main.ts like the retention sweeper.
 */
import type { WebhookStore } from '../storage/webhook-store.ts';

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
  for (;;) {
    const closed = await store.closeIdleSessions(now - options.idleMs, CLOSE_BATCH, now);
    total += closed;
    if (closed < CLOSE_BATCH) break;
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
