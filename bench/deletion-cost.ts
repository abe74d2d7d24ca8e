/**
 * What erasure costs, for figure 4's deletion row: deleting one stored session as DELETE /api/sessions/:id does (one
 * transaction over every table holding its rows, then a TRUNCATE checkpoint of the WAL), with secure_delete ON, the
 * product's setting (changed and freed pages overwritten with zeros), and OFF. The two alternate over sessions cut
 * from the same recording, so both see the same database as it shrinks.
 */
import { truncateWal } from '../server/storage/erasure.ts';
import type { TestServer } from '../support/server.ts';

export interface DeletionCost {
  /** Milliseconds per deletion with secure_delete ON. */
  secureMs: number[];
  /** Milliseconds per deletion with secure_delete OFF. */
  plainMs: number[];
  /** Batches in each deleted session. */
  batchesPerSession: number;
}

/** Deletes up to `pairs` × 2 of the sessions stored whole (`batchesPerSession` chunks each), timing each. */
export async function measureDeletionCost(server: TestServer, batchesPerSession: number, pairs: number): Promise<DeletionCost> {
  const project = await server.store.findProjectByKey('demo');
  if (!project) throw new Error('the bench database has no demo project');
  const whole = server.db
    .prepare('SELECT session_id FROM chunks GROUP BY session_id HAVING count(*) = ? ORDER BY session_id LIMIT ?')
    .pluck()
    .all(batchesPerSession, pairs * 2) as string[];
  if (whole.length < 2) throw new Error(`only ${whole.length} sessions were stored whole; run ingest longer`);
  // The ingest run's WAL is copied into the database first, so no deletion pays for it.
  truncateWal(server.db);
  const cost: DeletionCost = { secureMs: [], plainMs: [], batchesPerSession };
  try {
    for (let index = 0; index + 1 < whole.length; index += 2) {
      for (const [sessionId, secure] of [[whole[index]!, true], [whole[index + 1]!, false]] as const) {
        server.db.pragma(`secure_delete = ${secure ? 'ON' : 'OFF'}`);
        const started = performance.now();
        if (!(await server.store.deleteSession(project.id, sessionId))) throw new Error(`session ${sessionId} was not deleted`);
        (secure ? cost.secureMs : cost.plainMs).push(performance.now() - started);
      }
    }
  } finally {
    server.db.pragma('secure_delete = ON');
  }
  return cost;
}
