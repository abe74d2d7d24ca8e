import type { PageErrorRow } from '../../contract/insights.ts';
import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { Database } from './db.ts';
import type { DerivedPageError } from './derived-model.ts';
import { NO_LOWER_BOUND, NO_UPPER_BOUND } from './sql.ts';

export interface PageErrorRecord extends Omit<DerivedPageError, 'view'> {
  projectId: number;
  sessionId: string;
  windowId: string;
  pageKey: string;
  device: DeviceClass;
}

/** A page's errors in a time range (ms since epoch, inclusive), optionally of one device class. */
export interface PageErrorQuery {
  projectId: number;
  page: string;
  device?: DeviceClass;
  from?: number;
  to?: number;
  limit: number;
}

interface TopRow {
  message: string;
  kind: PageErrorRow['kind'];
  count: number;
  sessions: number;
  last_ts: number;
  session_id: string;
  window_id: string;
}

export function createPageErrorQueries(db: Database) {
  const insert = db.prepare(`
    INSERT INTO page_errors (project_id, session_id, window_id, page_key, device, ts, kind, message)
    VALUES (@projectId, @sessionId, @windowId, @pageKey, @device, @ts, @kind, @message)
  `);
  // SQLite gives the bare columns of the row that holds max(ts): the latest occurrence, whose replay to link.
  const top = (withDevice: boolean) => db.prepare<Record<string, unknown>, TopRow>(`
    SELECT message, kind, count(*) AS count, count(DISTINCT session_id) AS sessions, max(ts) AS last_ts, session_id, window_id
    FROM page_errors
    WHERE project_id = @projectId AND page_key = @page AND ts BETWEEN @from AND @to ${withDevice ? 'AND device = @device' : ''}
    GROUP BY message, kind
    ORDER BY count DESC, last_ts DESC
    LIMIT @limit
  `);
  const topAnyDevice = top(false);
  const topOfDevice = top(true);

  return {
    insert(record: PageErrorRecord): void {
      insert.run(record);
    },

    /** The page's most frequent errors, by message and kind, each with its latest occurrence. */
    top(query: PageErrorQuery): PageErrorRow[] {
      const params = { ...query, from: query.from ?? NO_LOWER_BOUND, to: query.to ?? NO_UPPER_BOUND };
      const rows = query.device ? topOfDevice.all(params) : topAnyDevice.all(params);
      return rows.map((row) => ({
        message: row.message,
        kind: row.kind,
        count: row.count,
        sessions: row.sessions,
        lastSeenAt: row.last_ts,
        replay: { sessionId: row.session_id, windowId: row.window_id, ts: row.last_ts },
      }));
    },
  };
}
