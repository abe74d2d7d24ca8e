/**
 * Deleting sessions for good: every row that names the session, and the session's share of the pre-aggregated
 * heatmap buckets and page counts, in one transaction, with one entry in the deletion log. What makes the deleted
 * bytes unreadable on disk as well is in erasure.ts.
 */
import type { DeviceClass, SignalKind } from '../../contract/vocabulary.ts';
import type { Database } from './db.ts';
import { readSubjectKey, subjectHash } from './deletion-subject.ts';
import { addClickPoint, CellTally, createHeatmapQueries } from './heatmap-cells.ts';
import { createSessionMoveQueries } from './session-moves.ts';
import type { DeletionKind, DeletionLogEntry } from '../../contract/access.ts';

/** What a deletion is logged as (`subject` in clear: it is hashed on the way in), and the project whose log it goes in. */
export type DeletionRequest = Pick<DeletionLogEntry, 'kind' | 'subject' | 'detail'> & { projectId: number };

/** Which lines of a project's log to list, newest first. */
export interface DeletionLogQuery {
  projectId: number;
  limit: number;
  offset: number;
  /** Only the lines about this session id, user id or (retention) project key. */
  subject?: string;
}

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
  // Assets the proxy fetched for a replay are cached by URL, and a URL can name its shopper (an avatar, a query).
  const deleteCachedAsset = db.prepare<[string]>('DELETE FROM asset_cache WHERE url = ?');
  const anyCachedAsset = db.prepare<[], number>('SELECT EXISTS (SELECT 1 FROM asset_cache)').pluck();
  const chunkKeys = db.prepare<[string], { window_id: string; seq: number }>('SELECT window_id, seq FROM chunks WHERE session_id = ?');
  const chunkBytes = db
    .prepare<[string, string, number], Buffer>('SELECT events_gz FROM chunks WHERE session_id = ? AND window_id = ? AND seq = ?')
    .pluck();
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
  const listLog = db.prepare<Record<string, unknown>, DeletionLogEntry>(`
    SELECT id, at, kind, subject, sessions, detail FROM deletion_log
    WHERE project_id = @projectId
      AND (@subject IS NULL OR subject = CASE kind WHEN 'retention' THEN @subject ELSE @subjectHash END)
    ORDER BY id DESC LIMIT @limit OFFSET @offset
  `);
  const key = readSubjectKey(db);
  /** The subject as the log keeps it. */
  const logged = (kind: DeletionKind, subject: string) => (kind === 'retention' ? subject : subjectHash(key, subject));

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

  /**
   * Deletes the sessions that exist among `ids` (and, for a user, their backend events) with the cached assets at
   * `assetUrls`, and logs it; resolves with how many sessions there were.
   */
  const deleteSessions = db.transaction((ids: readonly string[], request: DeletionRequest, at: number, assetUrls: readonly string[]): number => {
    const tally = new CellTally();
    let deleted = 0;
    for (const id of ids) {
      takeBack(id, tally);
      for (const statement of deleteRows) statement.run(id);
      deleted += deleteSession.run(id).changes;
    }
    heatmaps.apply(tally);
    const serverEvents = request.kind === 'user' ? deleteUserServerEvents.run(request.subject, request.projectId).changes : 0;
    for (const url of assetUrls) deleteCachedAsset.run(url);
    if (deleted + serverEvents > 0) log.run({ at, ...request, subject: logged(request.kind, request.subject), sessions: deleted });
    return deleted;
  });

  return {
    /** Runs in one immediate transaction: a concurrent ingest of the same session waits or comes after. */
    deleteSessions(ids: readonly string[], request: DeletionRequest, at: number, assetUrls: readonly string[] = []): number {
      return deleteSessions.immediate(ids, request, at, assetUrls);
    },

    /** Whether the asset proxy has cached anything at all: else no recording needs reading for its asset URLs. */
    hasCachedAssets(): boolean {
      return anyCachedAsset.get() === 1;
    },

    /** The session's chunks, compressed, one at a time (no statement stays open between them). */
    *chunksOf(sessionId: string): Generator<Buffer> {
      for (const { window_id: windowId, seq } of chunkKeys.all(sessionId)) {
        const bytes = chunkBytes.get(sessionId, windowId, seq);
        if (bytes) yield bytes;
      }
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
    log({ projectId, limit, offset, subject }: DeletionLogQuery): DeletionLogEntry[] {
      const subjectHash = subject === undefined ? null : logged('user', subject);
      return listLog.all({ projectId, limit, offset, subject: subject ?? null, subjectHash });
    },
  };
}
