import type { Database } from './db.ts';
import type { WindowCarry } from './derived-model.ts';

interface CarryRow {
  page_view_id: number | null;
  url: string;
  viewport_width: number;
  viewport_height: number;
  scroll_x: number;
  scroll_y: number;
  document_node_id: number;
  move_positions: number;
  last_ts: number;
}

/** The carry with the id of the page view row the window is on (null while it is on none). */
export interface StoredCarry {
  carry: WindowCarry;
  pageViewId: number | null;
}

/** A stored number, or `fallback` for anything else (a hand-edited row): the next batch's arithmetic starts from it. */
const numberOr = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;

export function createWindowCarryQueries(db: Database) {
  const get = db.prepare<[string, string], CarryRow>(
    'SELECT * FROM window_carry WHERE session_id = ? AND window_id = ?',
  );
  const put = db.prepare(`
    INSERT INTO window_carry (session_id, window_id, page_view_id, url, viewport_width, viewport_height, scroll_x,
      scroll_y, document_node_id, move_positions, last_ts)
    VALUES (@sessionId, @windowId, @pageViewId, @url, @viewportWidth, @viewportHeight, @scrollX, @scrollY,
      @documentNodeId, @movePositions, @lastTs)
    ON CONFLICT (session_id, window_id) DO UPDATE SET page_view_id = excluded.page_view_id, url = excluded.url,
      viewport_width = excluded.viewport_width, viewport_height = excluded.viewport_height,
      scroll_x = excluded.scroll_x, scroll_y = excluded.scroll_y, document_node_id = excluded.document_node_id,
      move_positions = excluded.move_positions, last_ts = max(last_ts, excluded.last_ts)
  `);

  return {
    get(sessionId: string, windowId: string): StoredCarry | undefined {
      const row = get.get(sessionId, windowId);
      if (!row) return undefined;
      return {
        pageViewId: typeof row.page_view_id === 'number' ? row.page_view_id : null,
        carry: {
          url: String(row.url),
          viewportWidth: numberOr(row.viewport_width, 0),
          viewportHeight: numberOr(row.viewport_height, 0),
          scrollX: numberOr(row.scroll_x, 0),
          scrollY: numberOr(row.scroll_y, 0),
          documentNodeId: numberOr(row.document_node_id, 0),
          movePositions: numberOr(row.move_positions, 0),
          lastTs: numberOr(row.last_ts, 0),
        },
      };
    },

    put(sessionId: string, windowId: string, stored: StoredCarry): void {
      put.run({ sessionId, windowId, pageViewId: stored.pageViewId, ...stored.carry });
    },
  };
}
