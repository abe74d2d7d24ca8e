/** A project's re-derivation (migration 14): when it started and how many chunks it queued. */
import type { Database } from './db.ts';

export interface RederiveRun {
  projectId: number;
  startedAt: number;
  totalChunks: number;
}

export function createRederiveRuns(db: Database) {
  const put = db.prepare<RederiveRun>(`
    INSERT OR REPLACE INTO rederive_runs (project_id, started_at, total_chunks) VALUES (@projectId, @startedAt, @totalChunks)
  `);
  const get = db.prepare<[number], RederiveRun>(
    'SELECT project_id AS projectId, started_at AS startedAt, total_chunks AS totalChunks FROM rederive_runs WHERE project_id = ?',
  );

  return {
    start(run: RederiveRun): void {
      put.run(run);
    },

    /** The project's latest run, finished or not (it is running while its quiet chunks wait in derive_queue). */
    latest(projectId: number): RederiveRun | undefined {
      return get.get(projectId);
    },
  };
}
