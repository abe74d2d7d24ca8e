/**
 * Taking derived data back out: a session's or one window's share of the pre-aggregated heatmap buckets and page
 * counts (read from the rows that put it there, so it is exactly what they added), and the rows themselves. Deletion
 * takes back whole sessions; the pipeline takes back one window before folding it again, and a re-derivation
 * resets a whole project.
 */
import type { DeviceClass, SignalKind } from '../../contract/vocabulary.ts';
import type { Database } from './db.ts';
import { addClickPoint, CellTally, createHeatmapQueries } from './heatmap-cells.ts';
import { createSessionMoveQueries } from './session-moves.ts';
import { createWindowCarryQueries } from './window-carry.ts';

interface PlacedPoint {
  project_id: number;
  page_key: string;
  device: DeviceClass;
  day: number;
  selector: string;
  ox: number;
  oy: number;
  x: number;
  y: number;
  dw: number;
}

/** Whose derived data: a session's, or (with `windowId`) one window's. */
interface Owner {
  sessionId: string;
  windowId: string | null;
}

/** `AND window_id = @windowId` when a window is named: the same statements serve sessions and windows. */
const OF_OWNER = 'session_id = @sessionId AND (@windowId IS NULL OR window_id = @windowId)';

export function createDerivedReset(db: Database) {
  const heatmaps = createHeatmapQueries(db);
  const moves = createSessionMoveQueries(db);
  const windows = createWindowCarryQueries(db);
  const clicksOf = db.prepare<Owner, PlacedPoint>(
    `SELECT project_id, page_key, device, day, selector, ox, oy, x, y, dw FROM clicks WHERE ${OF_OWNER}`,
  );
  // Signals found on an rrweb-only click have no element anchor and so never reached a bucket.
  const signalsOf = db.prepare<Owner, PlacedPoint & { kind: SignalKind }>(`
    SELECT kind, project_id, page_key, device, day, selector, ox, oy, x, y, dw FROM signals
    WHERE ${OF_OWNER} AND ox IS NOT NULL AND oy IS NOT NULL AND dw IS NOT NULL
  `);
  const viewsOf = db.prepare<Owner, { project_id: number; page_key: string; device: DeviceClass; day: number }>(
    `SELECT project_id, page_key, device, day FROM page_views WHERE ${OF_OWNER} AND page_key <> ''`,
  );
  // Form events first: they point at the page views.
  const deleteWindowRows = [
    'DELETE FROM form_events WHERE session_id = @sessionId AND window_id = @windowId',
    'DELETE FROM clicks WHERE session_id = @sessionId AND window_id = @windowId',
    'DELETE FROM signals WHERE session_id = @sessionId AND window_id = @windowId',
    'DELETE FROM page_errors WHERE session_id = @sessionId AND window_id = @windowId',
    'DELETE FROM page_views WHERE session_id = @sessionId AND window_id = @windowId',
    "DELETE FROM custom_events WHERE session_id = @sessionId AND window_id = @windowId AND source = 'browser'",
    'DELETE FROM session_move_cells WHERE session_id = @sessionId AND window_id = @windowId',
  ].map((sql) => db.prepare<Owner>(sql));
  const ofProject = 'session_id IN (SELECT id FROM sessions WHERE project_id = @projectId)';
  // The timelines go first, so deleting their rows repacks nothing; what a backend sent stays, and is packed again.
  const deleteProjectRows = [
    'DELETE FROM funnel_timelines WHERE project_id = @projectId',
    'DELETE FROM form_events WHERE project_id = @projectId',
    'DELETE FROM clicks WHERE project_id = @projectId',
    'DELETE FROM signals WHERE project_id = @projectId',
    'DELETE FROM page_errors WHERE project_id = @projectId',
    'DELETE FROM page_views WHERE project_id = @projectId',
    `DELETE FROM custom_events WHERE ${ofProject} AND source = 'browser'`,
    `DELETE FROM session_pages WHERE ${ofProject}`,
    'DELETE FROM session_move_cells WHERE project_id = @projectId',
    'DELETE FROM heatmap_cells WHERE project_id = @projectId',
    'DELETE FROM page_days WHERE project_id = @projectId',
    `INSERT INTO funnel_timeline_refresh SELECT DISTINCT session_id FROM funnel_entry_sources WHERE ${ofProject}`,
  ].map((sql) => db.prepare<{ projectId: number }>(sql));

  /** The negative of everything the owner added to heatmap buckets and page-day counts. */
  function takeBack(owner: Owner, tally: CellTally): void {
    for (const click of clicksOf.all(owner)) {
      const base = { projectId: click.project_id, pageKey: click.page_key, device: click.device, day: click.day };
      addClickPoint(tally, 'click', base, click, -1);
      if (click.page_key !== '') tally.addPage(base, { clicks: -1 });
    }
    for (const signal of signalsOf.all(owner)) {
      const base = { projectId: signal.project_id, pageKey: signal.page_key, device: signal.device, day: signal.day };
      addClickPoint(tally, signal.kind, base, signal, -1);
    }
    for (const view of viewsOf.all(owner)) {
      tally.addPage({ projectId: view.project_id, pageKey: view.page_key, device: view.device, day: view.day }, { views: -1 });
    }
    for (const { documentWidth, cx, cy, count, ...base } of moves.of(owner.sessionId, owner.windowId)) {
      tally.add({ ...base, kind: 'move', selector: '', anchor: 'page', documentWidth, cx, cy }, -count);
      tally.addPage(base, { moves: -count });
    }
  }

  return {
    /** Adds the negative of the session's heatmap share to `tally`; the caller deletes the rows. */
    takeBackSession(sessionId: string, tally: CellTally): void {
      takeBack({ sessionId, windowId: null }, tally);
    },

    /**
     * Adds the negative of the window's heatmap share to `tally` (the caller writes it) and deletes every row derived
     * from its chunks (page views, clicks, signals, form events, page errors, tracked and other custom events, move
     * ledger; the checkout totals follow the custom events through their triggers), in
     * the caller's transaction. Session pages stay: folding the same chunks again only confirms them.
     */
    resetWindow(sessionId: string, windowId: string, tally: CellTally): void {
      takeBack({ sessionId, windowId }, tally);
      for (const statement of deleteWindowRows) statement.run({ sessionId, windowId });
    },

    /**
     * Deletes everything derived from the project's chunks, heatmaps included, and marks its windows to be folded
     * again from their first chunk. Session rows keep their figures until their windows are folded again.
     */
    resetProject(projectId: number): void {
      for (const statement of deleteProjectRows) statement.run({ projectId });
      windows.markProjectStale(projectId);
    },
  };
}
