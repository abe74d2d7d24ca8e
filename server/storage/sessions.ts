import type { Statement } from 'better-sqlite3';
import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { SessionSort, SessionSummary } from '../../contract/api.ts';
import type { Database } from './db.ts';
import { ABANDONED_FORM_SQL } from './form-events.ts';

interface SessionRow {
  id: string;
  project_id: number;
  started_at: number;
  ended_at: number;
  active_ms: number;
  entry_url: string;
  page_count: number;
  click_count: number;
  error_count: number;
  console_error_count: number;
  failed_request_count: number;
  event_count: number;
  device: DeviceClass;
  browser: string;
  browser_version: string;
  os: string;
  os_version: string;
  viewport_width: number;
  viewport_height: number;
  user_id: string | null;
  processing: 0 | 1;
  rage_clicks: number;
  dead_clicks: number;
  error_clicks: number;
  form_abandoned: number;
  cart_outcome: SessionSummary['cart']['outcome'];
  cart_value: number;
  friction: number | null;
}

// processing: chunks of the session still wait in derive_queue, so its derived figures may still change.
const summaryColumns = `id, project_id, started_at, ended_at, active_ms, entry_url, page_count, click_count,
  error_count, console_error_count, failed_request_count, event_count, device, browser, browser_version, os, os_version,
  viewport_width, viewport_height, user_id, rage_clicks, dead_clicks, error_clicks, form_abandoned, cart_outcome, cart_value, friction,
  EXISTS (SELECT 1 FROM derive_queue q WHERE q.session_id = sessions.id) AS processing`;

const ORDERS: Record<SessionSort, string> = {
  recent: 'started_at DESC, id DESC',
  friction: 'friction DESC, started_at DESC, id DESC',
};

function toSummary(row: SessionRow, pages: string[], windows: string[]): SessionSummary {
  return {
    id: row.id,
    projectId: row.project_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.ended_at - row.started_at,
    activeMs: row.active_ms,
    entryUrl: row.entry_url,
    pages,
    pageCount: row.page_count,
    clickCount: row.click_count,
    errorCount: row.error_count,
    consoleErrorCount: row.console_error_count,
    failedRequestCount: row.failed_request_count,
    eventCount: row.event_count,
    device: row.device,
    browser: row.browser,
    browserVersion: row.browser_version,
    os: row.os,
    osVersion: row.os_version,
    viewportWidth: row.viewport_width,
    viewportHeight: row.viewport_height,
    userId: row.user_id,
    windows,
    processing: row.processing === 1,
    rageClicks: row.rage_clicks,
    deadClicks: row.dead_clicks,
    errorClicks: row.error_clicks,
    abandonedForm: row.form_abandoned === 1,
    cart: { outcome: row.cart_outcome, value: row.cart_value },
    friction: row.friction ?? 0,
  };
}

/** Filters of the session list; every field is optional but the project and paging. */
export interface SessionFilter {
  /** Only this project's sessions. */
  projectId: number;
  /** Sessions started at or after / at or before these times (ms since epoch). */
  from?: number;
  to?: number;
  /** Substring of any visited URL (case-sensitive). */
  url?: string;
  minDurationMs?: number;
  userId?: string;
  device?: DeviceClass;
  /** With (true) or without (false) a rage, dead or error click. */
  hasRage?: boolean;
  hasDead?: boolean;
  hasErrorClicks?: boolean;
  /** With (true) or without (false) an uncaught error. */
  hasErrors?: boolean;
  /** With (true) or without (false) a console.error call. */
  hasConsoleErrors?: boolean;
  /** With (true) or without (false) a failed request (no answer, or status 500 or more). */
  hasFailedRequests?: boolean;
  /** Started a form (focused or changed a field of it) and never submitted it on that page, or not. */
  abandonedForm?: boolean;
  /** Tracked (`track()`) an event with this name. */
  event?: string;
  /** Only these session ids (a funnel step's sessions). */
  ids?: readonly string[];
  /** Newest first (the default) or most friction first. */
  sort?: SessionSort;
  limit: number;
  offset: number;
}

// Fixed SQL per filter field: user input only ever travels as a bound parameter.
const filterClauses: Record<Exclude<keyof SessionFilter, 'projectId' | 'sort' | 'limit' | 'offset'>, string> = {
  from: 'started_at >= @from',
  to: 'started_at <= @to',
  url: 'EXISTS (SELECT 1 FROM session_pages p WHERE p.session_id = sessions.id AND instr(p.url, @url) > 0)',
  minDurationMs: 'ended_at - started_at >= @minDurationMs',
  userId: 'user_id = @userId',
  device: 'device = @device',
  // SQLite's EXISTS is 0 or 1, so one clause serves "with" (1) and "without" (0).
  hasRage: `EXISTS (SELECT 1 FROM signals g WHERE g.session_id = sessions.id AND g.kind = 'rage') = @hasRage`,
  hasDead: `EXISTS (SELECT 1 FROM signals g WHERE g.session_id = sessions.id AND g.kind = 'dead') = @hasDead`,
  hasErrorClicks: `EXISTS (SELECT 1 FROM signals g WHERE g.session_id = sessions.id AND g.kind = 'error') = @hasErrorClicks`,
  hasErrors: '(error_count > 0) = @hasErrors',
  abandonedForm: `${ABANDONED_FORM_SQL} = @abandonedForm`,
  hasConsoleErrors: '(console_error_count > 0) = @hasConsoleErrors',
  hasFailedRequests: '(failed_request_count > 0) = @hasFailedRequests',
  event: `EXISTS (SELECT 1 FROM custom_events e WHERE e.session_id = sessions.id AND e.tag = 'sl:track'
    AND e.name = @event)`,
  ids: 'id IN (SELECT value FROM json_each(@ids))',
};

/** better-sqlite3 binds neither booleans nor arrays: they travel as 1/0 and as JSON. */
function bindable(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value)) return JSON.stringify(value);
  return value;
}

interface ListStatements {
  rows: Statement<unknown[], SessionRow>;
  total: Statement<unknown[], number>;
}

/** What a newly stored chunk tells its session before any derivation: who, when, how many events. */
export interface SessionRegistration {
  id: string;
  projectId: number;
  windowId: string;
  /** The chunk's earliest and latest event time and its event count. */
  firstTs: number;
  lastTs: number;
  eventCount: number;
  browser: string;
  browserVersion: string;
  os: string;
  osVersion: string;
  /** Server clock at receipt: the session's last activity, which the idle closer reads. */
  now: number;
}

/** The session's derived columns, as the pipeline combines them from its windows. */
export interface SessionSummaryWrite {
  activeMs: number;
  entry: { url: string; ts: number } | null;
  clickCount: number;
  errorCount: number;
  consoleErrorCount: number;
  failedRequestCount: number;
  viewport: { width: number; height: number; device: DeviceClass } | null;
  userId: string | null;
}

export function createSessionQueries(db: Database) {
  const registration = db.prepare<[string], { project_id: number; started_at: number; event_count: number }>(
    'SELECT project_id, started_at, event_count FROM sessions WHERE id = ?',
  );
  // Only what the chunk itself says (times, count, user agent): everything read from its events is the pipeline's.
  const register = db.prepare(`
    INSERT INTO sessions (id, project_id, started_at, ended_at, event_count, browser, browser_version, os, os_version,
      created_at, updated_at)
    VALUES (@id, @projectId, @firstTs, @lastTs, @eventCount, @browser, @browserVersion, @os, @osVersion, @now, @now)
    ON CONFLICT (id) DO UPDATE SET
      started_at = min(started_at, excluded.started_at),
      ended_at = max(ended_at, excluded.ended_at),
      event_count = event_count + excluded.event_count,
      -- The first batch whose header names a browser (or a system) names it, with its version.
      browser = CASE WHEN browser = 'Other' THEN excluded.browser ELSE browser END,
      browser_version = CASE WHEN browser = 'Other' THEN excluded.browser_version ELSE browser_version END,
      os = CASE WHEN os = 'Other' THEN excluded.os ELSE os END,
      os_version = CASE WHEN os = 'Other' THEN excluded.os_version ELSE os_version END,
      updated_at = excluded.updated_at
  `);
  // A window starts at its earliest event, whichever of its chunks arrives first.
  const addWindow = db.prepare(`
    INSERT INTO session_windows (session_id, window_id, first_ts) VALUES (?, ?, ?)
    ON CONFLICT DO UPDATE SET first_ts = excluded.first_ts WHERE excluded.first_ts < first_ts
  `);
  const addPage = db.prepare(`
    INSERT INTO session_pages (session_id, url, first_ts) VALUES (?, ?, ?)
    ON CONFLICT (session_id, url) DO UPDATE SET first_ts = min(first_ts, excluded.first_ts)
  `);
  const writeSummary = db.prepare(`
    UPDATE sessions SET active_ms = @activeMs, entry_url = @entryUrl, entry_ts = @entryTs, click_count = @clickCount,
      error_count = @errorCount, console_error_count = @consoleErrorCount, failed_request_count = @failedRequestCount,
      device = @device, viewport_width = @width, viewport_height = @height,
      user_id = @userId, page_count = (SELECT count(*) FROM session_pages WHERE session_id = @id)
    WHERE id = @id
  `);
  const byId = db.prepare<[string, number], SessionRow>(
    `SELECT ${summaryColumns} FROM sessions WHERE id = ? AND project_id = ?`,
  );
  const pagesOf = db
    .prepare<[string], string>('SELECT url FROM session_pages WHERE session_id = ? ORDER BY first_ts, rowid')
    .pluck();
  const windowsOf = db
    .prepare<[string], string>('SELECT window_id FROM session_windows WHERE session_id = ? ORDER BY rowid')
    .pluck();
  const listStatements = new Map<string, ListStatements>();

  function summarize(row: SessionRow): SessionSummary {
    return toSummary(row, pagesOf.all(row.id), windowsOf.all(row.id));
  }

  function listStatementsFor(filter: SessionFilter) {
    const fields = (Object.keys(filterClauses) as Array<keyof typeof filterClauses>).filter(
      (field) => filter[field] !== undefined,
    );
    const sort = filter.sort ?? 'recent';
    const cacheKey = `${sort} ${fields.join(',')}`;
    let statements = listStatements.get(cacheKey);
    if (!statements) {
      const where = `WHERE ${['project_id = @projectId', ...fields.map((field) => filterClauses[field])].join(' AND ')}`;
      statements = {
        rows: db.prepare<unknown[], SessionRow>(
          `SELECT ${summaryColumns} FROM sessions ${where} ORDER BY ${ORDERS[sort]} LIMIT @limit OFFSET @offset`,
        ),
        total: db.prepare<unknown[], number>(`SELECT count(*) FROM sessions ${where}`).pluck(),
      };
      listStatements.set(cacheKey, statements);
    }
    return { statements, fields };
  }

  return {
    /** The session's owner, start and events stored, or undefined for a new session. */
    registration(id: string) {
      const row = registration.get(id);
      return row && { projectId: row.project_id, startedAt: row.started_at, eventCount: row.event_count };
    },

    /** Creates or extends a session with one newly stored chunk, in the caller's (ingest's) transaction. */
    register(session: SessionRegistration): void {
      register.run(session);
      addWindow.run(session.id, session.windowId, session.firstTs);
    },

    /** URLs a chunk visited, with when each was first seen: a page keeps its earliest time. */
    addPages(id: string, pages: ReadonlyArray<{ url: string; firstTs: number }>): void {
      for (const page of pages) addPage.run(id, page.url, page.firstTs);
    },

    /** Replaces the session's derived columns; its page count is recounted from its pages. */
    writeSummary(id: string, summary: SessionSummaryWrite): void {
      writeSummary.run({
        id,
        activeMs: summary.activeMs,
        entryUrl: summary.entry?.url ?? '',
        entryTs: summary.entry?.ts ?? null,
        clickCount: summary.clickCount,
        errorCount: summary.errorCount,
        consoleErrorCount: summary.consoleErrorCount,
        failedRequestCount: summary.failedRequestCount,
        // Sessions default to desktop while no viewport is known (the column's default).
        device: summary.viewport?.device ?? 'desktop',
        width: summary.viewport?.width ?? 0,
        height: summary.viewport?.height ?? 0,
        userId: summary.userId,
      });
    },

    /** The project's session with this id; another project's session is as unknown as a missing one. */
    get(projectId: number, id: string): SessionSummary | undefined {
      const row = byId.get(id, projectId);
      return row && summarize(row);
    },

    list(filter: SessionFilter): { sessions: SessionSummary[]; total: number } {
      const { statements, fields } = listStatementsFor(filter);
      const params: Record<string, unknown> = { projectId: filter.projectId, limit: filter.limit, offset: filter.offset };
      for (const field of fields) params[field] = bindable(filter[field]);
      const total = statements.total.get(params) ?? 0;
      return { sessions: statements.rows.all(params).map(summarize), total };
    },
  };
}
