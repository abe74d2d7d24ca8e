/**
 * Reads the packed funnel timelines (migrations 10 and 11 keep them with triggers) for the funnel query and the session
 * list's funnel filter. Everything crosses from SQLite in one row: the per-session overhead of returning rows would
 * cost more than the funnel itself.
 */
import type { FunnelLabel, PackedTimelines } from '../../contract/rows.ts';
import type { Database } from './db.ts';
import { sessionRangeParams, type SessionRange } from './form-events.ts';
import { perDevice } from './sql.ts';

/** Which labels the funnel's steps can match. */
export interface FunnelLabelQuery {
  /** Names of the tracked events that are steps. */
  eventNames: readonly string[];
  /** Whether any step is a page pattern: then every page label is read, to be matched once each. */
  withPages: boolean;
}

interface PackedRow {
  sessions: number;
  /** Session ids joined by spaces (ingest accepts only letters, digits, "-" and "_"); null without any. */
  ids: string | null;
  entries: Buffer | null;
}

export function createFunnelTimelineQueries(db: Database) {
  const sessionsInRange = perDevice<number>(
    db,
    (devices) =>
      'SELECT count(*) FROM sessions WHERE project_id = @projectId AND started_at BETWEEN @from AND @to AND device ' +
      devices,
  );
  // Both aggregates run over the same rows in one pass, so ids and entries come in the same order.
  const packed = perDevice<PackedRow>(
    db,
    (devices) => `
      SELECT count(*) AS sessions, group_concat(session_id, ' ') AS ids, unhex(group_concat(hex(entries), '')) AS entries
      FROM funnel_timelines WHERE project_id = @projectId AND started_at BETWEEN @from AND @to AND device ${devices}`,
  );
  const pageLabels = db.prepare<[], { id: number; text: string }>('SELECT id, text FROM funnel_labels WHERE kind = 0');
  const eventLabels = db.prepare<[string], { id: number; text: string }>(
    'SELECT id, text FROM funnel_labels WHERE kind = 1 AND text IN (SELECT value FROM json_each(?))',
  );

  // One read transaction, so the count, the timelines and the labels they name are one snapshot.
  const read = db.transaction((range: SessionRange, query: FunnelLabelQuery): PackedTimelines => {
    const params = sessionRangeParams(range);
    const row = packed(range.device).get(params)!;
    const sessionIds = row.ids === null ? [] : row.ids.split(' ');
    if (sessionIds.length !== row.sessions) throw new Error('A session id in funnel_timelines holds a space');
    const labels: FunnelLabel[] = [];
    if (query.withPages) for (const label of pageLabels.iterate()) labels.push({ ...label, kind: 'page' });
    if (query.eventNames.length > 0) {
      for (const label of eventLabels.iterate(JSON.stringify(query.eventNames))) labels.push({ ...label, kind: 'event' });
    }
    return {
      sessionsInRange: sessionsInRange(range.device).pluck().get(params) ?? 0,
      sessionIds,
      entries: row.entries ?? new Uint8Array(0),
      labels,
    };
  });

  const defer = db.prepare<[string]>('INSERT INTO funnel_refresh_deferred (session_id) VALUES (?)');
  const refreshDirty = db.prepare<[string]>(
    'INSERT INTO funnel_timeline_refresh SELECT session_id FROM funnel_refresh_deferred WHERE session_id = ? AND dirty',
  );
  const undefer = db.prepare<[string]>('DELETE FROM funnel_refresh_deferred WHERE session_id = ?');

  return {
    /**
     * Runs `write` (inside the caller's transaction) with the session's timeline repacked once after it, not after
     * each page view or tracked event it writes (migration 11). Should `write` throw, the caller's transaction
     * rolls the deferral back with everything else.
     */
    repackOnceAfter<T>(sessionId: string, write: () => T): T {
      defer.run(sessionId);
      const result = write();
      refreshDirty.run(sessionId);
      undefer.run(sessionId);
      return result;
    },

    /** The packed timelines of the sessions in range, with the labels the steps can match. */
    read(range: SessionRange, query: FunnelLabelQuery): PackedTimelines {
      return read(range, query);
    },
  };
}
