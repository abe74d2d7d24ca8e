/**
 * Group commit for ingest: writes queued in the same turn of the event loop run in one SQLite transaction, each in
 * its own savepoint. A commit writes every page the transaction changed to the WAL, and consecutive batches change
 * mostly the same pages (the tails of the same tables and indexes), so one commit for a group costs little more than
 * one for a single batch. Each write still stands alone: one that throws is rolled back to its savepoint and
 * rejected without touching the others, and every promise settles only after the group's commit.
 */
import type { Database } from './db.ts';

interface Job {
  write: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

export function createGroupCommit(db: Database) {
  let queue: Job[] = [];
  // Called inside the group's transaction, a better-sqlite3 transaction function opens a savepoint.
  const inSavepoint = db.transaction((write: () => unknown) => write());
  const commitGroup = db.transaction((jobs: Job[]) => {
    for (const job of jobs) {
      try {
        job.outcome = { ok: true, value: inSavepoint(job.write) };
      } catch (error) {
        job.outcome = { ok: false, error };
      }
    }
  });

  function flush(): void {
    const jobs = queue;
    queue = [];
    try {
      commitGroup.immediate(jobs);
    } catch (error) {
      // The commit itself failed: nothing of the group is stored.
      for (const job of jobs) job.reject(error);
      return;
    }
    for (const { outcome, resolve, reject } of jobs) {
      if (outcome!.ok) resolve(outcome!.value);
      else reject(outcome!.error);
    }
  }

  return {
    /** Runs `write` (synchronous, SQLite only) in the next group's transaction; settles after that commits. */
    run<T>(write: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
}
