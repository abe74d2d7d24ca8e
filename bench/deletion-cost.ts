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
  /** Fewest and most batches of the deleted sessions. */
  batchesPerSession: { min: number; max: number };
}

/**
 * Deletes the `pairs` × 2 longest stored sessions, timing each; taken longest first and alternating, each pair's two
 * sessions are about as long.
 */
export async function measureDeletionCost(server: TestServer, pairs: number): Promise<DeletionCost> {
  const project = await server.store.findProjectByKey('demo');
  if (!project) throw new Error('the bench database has no demo project');
  const longest = server.db
    .prepare('SELECT session_id AS id, count(*) AS batches FROM chunks GROUP BY session_id ORDER BY batches DESC, session_id LIMIT ?')
    .all(pairs * 2) as Array<{ id: string; batches: number }>;
  if (longest.length < 2) throw new Error(`only ${longest.length} sessions were stored; run ingest longer`);
  const whole = longest.map((session) => session.id);
  const counts = longest.map((session) => session.batches);
  // The ingest run's WAL is copied into the database first, so no deletion pays for it.
  truncateWal(server.db);
  const cost: DeletionCost = { secureMs: [], plainMs: [], batchesPerSession: { min: Math.min(...counts), max: Math.max(...counts) } };
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
