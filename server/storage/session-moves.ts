/**
 * Each window's share of the mouse-move heatmap buckets. Moves are stored only as bucket counts, so without this
 * ledger a deleted session's moves would stay on the heatmap, and a window derived again would count them twice.
 */
import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { Database } from './db.ts';

/** One move bucket of one window, with the count it added. */
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

/** A window's move buckets summed in memory, so a transaction writes each ledger row once. */
export class MoveLedger {
  readonly #rows = new Map<string, { sessionId: string; windowId: string; cell: SessionMoveCell }>();

  add(sessionId: string, windowId: string, cell: SessionMoveCell): void {
    const { projectId, pageKey, device, day, documentWidth, cx, cy } = cell;
    const id = `${sessionId.length} ${sessionId}${windowId.length} ${windowId}${projectId} ${device} ${day} ${documentWidth} ${cx} ${cy} ${pageKey}`;
    const row = this.#rows.get(id);
    if (row) row.cell.count += cell.count;
    else this.#rows.set(id, { sessionId, windowId, cell: { ...cell } });
  }

  rows() {
    return this.#rows.values();
  }
}

export function createSessionMoveQueries(db: Database) {
  const add = db.prepare(`
    INSERT INTO session_move_cells (session_id, window_id, project_id, page_key, device, day, doc_width, cell_x, cell_y,
      count)
    VALUES (@sessionId, @windowId, @projectId, @pageKey, @device, @day, @documentWidth, @cx, @cy, @count)
    ON CONFLICT DO UPDATE SET count = count + excluded.count
  `);
  const ofOwner = db.prepare<{ sessionId: string; windowId: string | null }, SessionMoveCell>(`
    SELECT project_id AS projectId, page_key AS pageKey, device, day, doc_width AS documentWidth, cell_x AS cx,
      cell_y AS cy, count
    FROM session_move_cells WHERE session_id = @sessionId AND (@windowId IS NULL OR window_id = @windowId)
  `);

  return {
    /** Adds the ledger's counts to the windows' buckets, in the caller's transaction. */
    write(ledger: MoveLedger): void {
      for (const { sessionId, windowId, cell } of ledger.rows()) add.run({ sessionId, windowId, ...cell });
    },

    /** The buckets of a session's windows, or of one of them. */
    of(sessionId: string, windowId: string | null = null): SessionMoveCell[] {
      return ofOwner.all({ sessionId, windowId });
    },
  };
}
