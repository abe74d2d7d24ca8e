/**
 * Re-derivation: everything derived from a project's chunks is deleted and every chunk queued again, quietly (what
 * is found again sends no webhook), in one transaction; the consumer then folds them like new chunks, with the
 * project's page patterns as they are now. It runs while quiet chunks of the project wait in the queue.
 */
import type { RederiveState } from '../../contract/api.ts';
import type { Database } from '../storage/db.ts';
import { createDeriveQueue } from '../storage/derive-queue.ts';
import { createDerivedReset } from '../storage/derived-reset.ts';
import { createRederiveRuns } from '../storage/rederive-runs.ts';

export type RederiveStart = { started: true; state: RederiveState } | { started: false; state: RederiveState };

export function createRederive(db: Database) {
  const queue = createDeriveQueue(db);
  const reset = createDerivedReset(db);
  const runs = createRederiveRuns(db);

  function state(projectId: number): RederiveState {
    const run = runs.latest(projectId);
    const remaining = queue.quietCount(projectId);
    if (!run || remaining === 0) return { state: 'idle' };
    // max: chunks queued by the upgrade's re-derivation before the run was counted cannot make it negative.
    const totalChunks = Math.max(run.totalChunks, remaining);
    return { state: 'running', doneChunks: totalChunks - remaining, totalChunks, startedAt: run.startedAt };
  }

  const start = db.transaction((projectId: number, now: number): RederiveStart => {
    if (queue.quietCount(projectId) > 0) return { started: false, state: state(projectId) };
    reset.resetProject(projectId);
    const totalChunks = queue.requeueProject(projectId, now);
    runs.start({ projectId, startedAt: now, totalChunks });
    return { started: true, state: state(projectId) };
  });

  return {
    /** Starts re-deriving the project unless a re-derivation of it is running; the caller wakes the consumer. */
    start(projectId: number, now: number = Date.now()): RederiveStart {
      return start.immediate(projectId, now);
    },

    state,
  };
}
