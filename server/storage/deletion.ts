/**
 * Deleting sessions for good: every row that names the session, and the session's share of the pre-aggregated
 * heatmap buckets and page counts, in one transaction, with one entry in the deletion log.
 */
import type { DeviceClass } from '../api/types.ts';
import type { Database } from './db.ts';
import { addClickPoint, CellTally, createHeatmapQueries } from './heatmap-cells.ts';
import type { SignalKind } from './derived-model.ts';
import { createSessionMoveQueries } from './session-moves.ts';

export type DeletionKind = 'session' | 'user' | 'retention';

/** One line of the deletion log. */
export interface DeletionLogEntry {
  id: number;
  /** When, ms since epoch. */
  at: number;
  kind: DeletionKind;
  /** The session id, user id or project key the deletion was about. */
  subject: string;
  /** Sessions deleted. */
  sessions: number;
  /** Why, in words (the retention period); '' when the kind says it all. */
  detail: string;
}

/** What a deletion is logged as, and the project whose log it goes in. */
export type DeletionRequest = Pick<DeletionLogEntry, 'kind' | 'subject' | 'detail'> & { projectId: number };

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

/**
 * Tables with a session_id column, found in the schema so that a table a later migration adds is not missed. The
 * funnel timeline goes first: while it exists, its triggers repack it after every page view or event deleted.
 */
function sessionTables(db: Database): string[] {
  return db
    .prepare<[], { name: string }>(
      `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
       WHERE m.type = 'table' AND c.name = 'session_id' ORDER BY m.name <> 'funnel_timelines', m.name`,
    )
    .all()
    .map((row) => row.name);
}

export function createDeletionQueries(db: Database) {
  const heatmaps = createHeatmapQueries(db);
  const sessionMoves = createSessionMoveQueries(db);
  const clicksOf = db.prepare<[string], PlacedPoint>(
    'SELECT project_id, page_key, device, day, selector, ox, oy, x, y, dw FROM clicks WHERE session_id = ?',
  );
  // Signals found on an rrweb-only click have no element anchor and so never reached a bucket.
  const signalsOf = db.prepare<[string], PlacedPoint & { kind: SignalKind }>(`
    SELECT kind, project_id, page_key, device, day, selector, ox, oy, x, y, dw FROM signals
    WHERE session_id = ? AND ox IS NOT NULL AND oy IS NOT NULL AND dw IS NOT NULL
  `);
  const viewsOf = db.prepare<[string], { project_id: number; page_key: string; device: DeviceClass; day: number }>(
    "SELECT project_id, page_key, device, day FROM page_views WHERE session_id = ? AND page_key <> ''",
  );
  const deleteRows = sessionTables(db).map((table) => db.prepare(`DELETE FROM "${table}" WHERE session_id = ?`));
  const deleteSession = db.prepare<[string]>('DELETE FROM sessions WHERE id = ?');
  // A backend's events name the user even when no session of theirs is known; the session tables cover the rest.
  const deleteUserServerEvents = db.prepare<[string, number]>('DELETE FROM server_events WHERE user_id = ? AND project_id = ?');
  const ofProject = db.prepare<[string, number], { id: string }>(
    'SELECT id FROM sessions WHERE id = ? AND project_id = ?',
  );
  const ofUser = db.prepare<[string, number], { id: string }>(
    'SELECT id FROM sessions WHERE user_id = ? AND project_id = ?',
  );
  const endedBefore = db.prepare<[number, number, number], { id: string }>(
    'SELECT id FROM sessions WHERE project_id = ? AND ended_at < ? ORDER BY ended_at LIMIT ?',
  );
  const log = db.prepare(`
    INSERT INTO deletion_log (at, kind, subject, sessions, detail, project_id)
    VALUES (@at, @kind, @subject, @sessions, @detail, @projectId)
  `);
  const listLog = db.prepare<[number, number, number], DeletionLogEntry>(`
    SELECT id, at, kind, subject, sessions, detail FROM deletion_log WHERE project_id = ?
    ORDER BY id DESC LIMIT ? OFFSET ?
  `);

  /** The negative of everything the session added to heatmap buckets and page-day counts. */
  function takeBack(sessionId: string, tally: CellTally): void {
    for (const click of clicksOf.all(sessionId)) {
      const base = { projectId: click.project_id, pageKey: click.page_key, device: click.device, day: click.day };
      addClickPoint(tally, 'click', base, click, -1);
      if (click.page_key !== '') tally.addPage(base, { clicks: -1 });
    }
    for (const signal of signalsOf.all(sessionId)) {
      const base = { projectId: signal.project_id, pageKey: signal.page_key, device: signal.device, day: signal.day };
      addClickPoint(tally, signal.kind, base, signal, -1);
    }
    for (const view of viewsOf.all(sessionId)) {
      tally.addPage({ projectId: view.project_id, pageKey: view.page_key, device: view.device, day: view.day }, { views: -1 });
    }
    for (const { documentWidth, cx, cy, count, ...base } of sessionMoves.ofSession(sessionId)) {
      tally.add({ ...base, kind: 'move', selector: '', anchor: 'page', documentWidth, cx, cy }, -count);
      tally.addPage(base, { moves: -count });
    }
  }

  /** Deletes the sessions that exist among `ids` and logs it; resolves with how many there were. */
  const deleteSessions = db.transaction((ids: readonly string[], request: DeletionRequest, at: number): number => {
    const tally = new CellTally();
    let deleted = 0;
    for (const id of ids) {
      takeBack(id, tally);
      for (const statement of deleteRows) statement.run(id);
      deleted += deleteSession.run(id).changes;
    }
    heatmaps.apply(tally);
    if (request.kind === 'user') deleteUserServerEvents.run(request.subject, request.projectId);
    if (deleted > 0) log.run({ at, ...request, sessions: deleted });
    return deleted;
  });

  return {
    /** Runs in one immediate transaction: a concurrent ingest of the same session waits or comes after. */
    deleteSessions(ids: readonly string[], request: DeletionRequest, at: number): number {
      return deleteSessions.immediate(ids, request, at);
    },

    /** The session's id when the project has such a session; [] otherwise, so another project's id deletes nothing. */
    projectSessionIds(projectId: number, sessionId: string): string[] {
      return ofProject.all(sessionId, projectId).map((row) => row.id);
    },

    /** Every session of the project identified with the user id. */
    userSessionIds(projectId: number, userId: string): string[] {
      return ofUser.all(userId, projectId).map((row) => row.id);
    },

    /** Up to `limit` sessions of the project that ended before `before` (ms since epoch), oldest first. */
    endedBefore(projectId: number, before: number, limit: number): string[] {
      return endedBefore.all(projectId, before, limit).map((row) => row.id);
    },

    /** The project's log, newest first. */
    log(projectId: number, limit: number, offset: number): DeletionLogEntry[] {
      return listLog.all(projectId, limit, offset);
    },
  };
}
