import type { Statement } from 'better-sqlite3';
import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { SessionSort, SessionSummary } from '../../contract/api.ts';
import type { Database } from './db.ts';
import { ABANDONED_FORM_SQL } from './form-events.ts';
import type { SessionDelta } from './model.ts';

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
  rage_clicks: number;
  dead_clicks: number;
  error_clicks: number;
  form_abandoned: number;
  cart_outcome: SessionSummary['cart']['outcome'];
  cart_value: number;
  friction: number | null;
}

const summaryColumns = `id, project_id, started_at, ended_at, active_ms, entry_url, page_count, click_count,
  error_count, console_error_count, failed_request_count, event_count, device, browser, browser_version, os, os_version,
  viewport_width, viewport_height, user_id, rage_clicks, dead_clicks, error_clicks, form_abandoned, cart_outcome, cart_value, friction`;

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

export interface SessionWrite {
  id: string;
  projectId: number;
  browser: string;
  browserVersion: string;
  os: string;
  osVersion: string;
  now: number;
  delta: SessionDelta;
}

export function createSessionQueries(db: Database) {
  const carry = db.prepare<[string], { project_id: number; last_input_ts: number | null }>(
    'SELECT project_id, last_input_ts FROM sessions WHERE id = ?',
  );
  const upsert = db.prepare(`
    INSERT INTO sessions (id, project_id, started_at, ended_at, active_ms, last_input_ts, entry_url, entry_ts,
      click_count, error_count, console_error_count, failed_request_count, event_count, device, browser,
      browser_version, os, os_version, viewport_width, viewport_height, user_id, created_at, updated_at)
    VALUES (@id, @projectId, @firstTs, @lastTs, @activeMs, @lastInputTs, coalesce(@entryUrl, ''), @entryTs,
      @clickCount, @errorCount, @consoleErrorCount, @failedRequestCount, @eventCount, coalesce(@device, 'desktop'),
      @browser, @browserVersion, @os, @osVersion, coalesce(@width, 0),
      coalesce(@height, 0), @userId, @now, @now)
    ON CONFLICT (id) DO UPDATE SET
      started_at = min(started_at, excluded.started_at),
      ended_at = max(ended_at, excluded.ended_at),
      active_ms = active_ms + excluded.active_ms,
      last_input_ts = coalesce(excluded.last_input_ts, last_input_ts),
      entry_url = CASE WHEN @entryTs IS NOT NULL AND (entry_ts IS NULL OR @entryTs < entry_ts)
        THEN excluded.entry_url ELSE entry_url END,
      entry_ts = CASE WHEN @entryTs IS NOT NULL AND (entry_ts IS NULL OR @entryTs < entry_ts)
        THEN @entryTs ELSE entry_ts END,
      click_count = click_count + excluded.click_count,
      error_count = error_count + excluded.error_count,
      console_error_count = console_error_count + excluded.console_error_count,
      failed_request_count = failed_request_count + excluded.failed_request_count,
      event_count = event_count + excluded.event_count,
      device = coalesce(@device, device),
      viewport_width = coalesce(@width, viewport_width),
      viewport_height = coalesce(@height, viewport_height),
      -- The first batch whose header names a browser (or a system) names it, with its version.
      browser = CASE WHEN browser = 'Other' THEN excluded.browser ELSE browser END,
      browser_version = CASE WHEN browser = 'Other' THEN excluded.browser_version ELSE browser_version END,
      os = CASE WHEN os = 'Other' THEN excluded.os ELSE os END,
      os_version = CASE WHEN os = 'Other' THEN excluded.os_version ELSE os_version END,
      user_id = coalesce(excluded.user_id, user_id),
      updated_at = excluded.updated_at
  `);
  const addWindow = db.prepare(
    'INSERT OR IGNORE INTO session_windows (session_id, window_id, first_ts) VALUES (?, ?, ?)',
  );
  const addPage = db.prepare(`
    INSERT INTO session_pages (session_id, url, first_ts) VALUES (?, ?, ?)
    ON CONFLICT (session_id, url) DO UPDATE SET first_ts = min(first_ts, excluded.first_ts)
  `);
  const countPages = db.prepare(
    'UPDATE sessions SET page_count = (SELECT count(*) FROM session_pages WHERE session_id = @id) WHERE id = @id',
  );
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
    /** The session's owner and carry, or undefined for a new session. */
    carry(id: string) {
      const row = carry.get(id);
      return row && { projectId: row.project_id, lastInputTs: row.last_input_ts };
    },

    /** Creates or extends a session with one chunk's delta, in the caller's transaction. */
    apply({ id, projectId, browser, browserVersion, os, osVersion, now, delta }: SessionWrite, windowId: string): void {
      upsert.run({
        id,
        projectId,
        firstTs: delta.firstTs,
        lastTs: delta.lastTs,
        activeMs: delta.activeMs,
        lastInputTs: delta.lastInputTs,
        entryUrl: delta.entry?.url ?? null,
        entryTs: delta.entry?.ts ?? null,
        clickCount: delta.clickCount,
        errorCount: delta.errorCount,
        consoleErrorCount: delta.consoleErrorCount,
        failedRequestCount: delta.failedRequestCount,
        eventCount: delta.eventCount,
        device: delta.viewport?.device ?? null,
        width: delta.viewport?.width ?? null,
        height: delta.viewport?.height ?? null,
        browser,
        browserVersion,
        os,
        osVersion,
        userId: delta.userId,
        now,
      });
      addWindow.run(id, windowId, delta.firstTs);
      for (const page of delta.pages) addPage.run(id, page.url, page.firstTs);
      if (delta.pages.length) countPages.run({ id });
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
