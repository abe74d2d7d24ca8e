/**
 * The retention sweeper: deletes the sessions each project no longer keeps. Which sessions have expired is a pure
 * cut-off per project; the timer around it is started by main.ts.
 */
import { DAY_MS } from '../contract/buckets.ts';
import type { RetentionPolicy, Store } from './storage/store.ts';

/** Sessions deleted per transaction, so a first sweep over years of data never holds the write lock for long. */
export const SWEEP_BATCH = 200;

/** Sessions of the policy's project that ended before this time (ms since epoch) have expired. */
export function retentionCutoff(policy: Pick<RetentionPolicy, 'days'>, now: number): number {
  return now - policy.days * DAY_MS;
}

export interface SweepResult {
  /** Sessions deleted, per project key; projects with nothing expired are left out. */
  deleted: Record<string, number>;
}

/** Deletes every expired session of every project with a retention period; each batch is logged. */
export async function sweepExpiredSessions(store: Store, now: number = Date.now()): Promise<SweepResult> {
  const deleted: Record<string, number> = {};
  for (const policy of await store.retentionPolicies()) {
    const before = retentionCutoff(policy, now);
    let total = 0;
    for (;;) {
      const count = await store.deleteExpiredSessions(policy, before, SWEEP_BATCH);
      total += count;
      if (count < SWEEP_BATCH) break;
    }
    if (total > 0) deleted[policy.projectKey] = total;
  }
  return { deleted };
}

/** Sweeps now and then every `intervalMs`; the timer never keeps the process alive. Returns a stop function. */
export function startRetentionSweeper(store: Store, intervalMs: number): () => void {
  if (intervalMs <= 0) return () => {};
  let running = false;
  const sweep = async () => {
    // A sweep slower than the interval must not overlap the next one.
    if (running) return;
    running = true;
    try {
      const { deleted } = await sweepExpiredSessions(store);
      for (const [project, count] of Object.entries(deleted)) {
        console.log(`Sightline: retention deleted ${count} expired sessions of project "${project}"`);
      }
    } catch (error) {
      console.error('Sightline: the retention sweep failed; it will run again', error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  void sweep();
  return () => clearInterval(timer);
}
