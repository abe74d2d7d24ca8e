/**
 * Each session's share of the mouse-move heatmap buckets. Moves are stored only as bucket counts, so without this
 * ledger a deleted session's moves would stay on the heatmap.
 */
import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { Database } from './db.ts';

/** One move bucket of one session, with the count it added. */
export interface SessionMoveCell {
  projectId: number;
  pageKey: string;
  device: DeviceClass;
  day: number;
  documentWidth: number;
  cx: number;
  cy: number;
  count: number;
}

export function createSessionMoveQueries(db: Database) {
  const add = db.prepare(`
    INSERT INTO session_move_cells (session_id, project_id, page_key, device, day, doc_width, cell_x, cell_y, count)
    VALUES (@sessionId, @projectId, @pageKey, @device, @day, @documentWidth, @cx, @cy, @count)
    ON CONFLICT DO UPDATE SET count = count + excluded.count
  `);
  const ofSession = db.prepare<[string], SessionMoveCell>(`
    SELECT project_id AS projectId, page_key AS pageKey, device, day, doc_width AS documentWidth, cell_x AS cx,
      cell_y AS cy, count
    FROM session_move_cells WHERE session_id = ?
  `);

  return {
    /** Adds to the session's count in a bucket, in the caller's transaction. */
    add(sessionId: string, cell: SessionMoveCell): void {
      add.run({ sessionId, ...cell });
    },

    ofSession(sessionId: string): SessionMoveCell[] {
      return ofSession.all(sessionId);
    },
  };
}
