import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { Database } from './db.ts';
import type { WindowCarry } from './derived-model.ts';

interface CarryRow {
  derived_seq: number | null;
  page_view_id: number | null;
  url: string;
  viewport_width: number;
  viewport_height: number;
  scroll_x: number;
  scroll_y: number;
  document_node_id: number;
  move_positions: number;
  last_ts: number;
  active_ms: number;
  last_input_ts: number | null;
  entry_url: string | null;
  entry_ts: number | null;
  click_count: number;
  error_count: number;
  console_error_count: number;
  failed_request_count: number;
  seen_width: number | null;
  seen_height: number | null;
  seen_device: DeviceClass | null;
  seen_ts: number | null;
  user_id: string | null;
  user_ts: number | null;
}

/** A window's share of its session's summary; the session row combines those of its windows (sessions.ts). */
export interface WindowSummary {
  activeMs: number;
  /** Time of the window's last user input so far, null before the first. */
  lastInputTs: number | null;
  /** The window's earliest entry candidate. */
  entry: { url: string; ts: number } | null;
  clickCount: number;
  errorCount: number;
  consoleErrorCount: number;
  failedRequestCount: number;
  /** The last viewport the window reported, with the time of that event. */
  viewport: { width: number; height: number; device: DeviceClass; ts: number } | null;
  /** The last user the window identified, with the time of that event. */
  user: { id: string; ts: number } | null;
}

/** Where a window's fold stands: the carry, the page view row it is on, its summary, and the last seq folded in. */
export interface StoredWindow {
  /** Highest seq folded in; null once a re-derivation has reset the window (fold it again from its first chunk). */
  derivedSeq: number | null;
  carry: WindowCarry;
  /** Id of the page view row the window is on (null while it is on none). */
  pageViewId: number | null;
  summary: WindowSummary;
}

/** A stored number, or `fallback` for anything else (a hand-edited row): the next batch's arithmetic starts from it. */
const numberOr = (value: unknown, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : fallback;
const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function toStored(row: CarryRow): StoredWindow {
  const seenTs = numberOrNull(row.seen_ts);
  const userTs = numberOrNull(row.user_ts);
  const entryTs = numberOrNull(row.entry_ts);
  return {
    derivedSeq: numberOrNull(row.derived_seq),
    pageViewId: numberOrNull(row.page_view_id),
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
    summary: {
      activeMs: numberOr(row.active_ms, 0),
      lastInputTs: numberOrNull(row.last_input_ts),
      entry: entryTs === null ? null : { url: String(row.entry_url ?? ''), ts: entryTs },
      clickCount: numberOr(row.click_count, 0),
      errorCount: numberOr(row.error_count, 0),
      consoleErrorCount: numberOr(row.console_error_count, 0),
      failedRequestCount: numberOr(row.failed_request_count, 0),
      viewport:
        seenTs === null
          ? null
          : { width: numberOr(row.seen_width, 0), height: numberOr(row.seen_height, 0), device: row.seen_device ?? 'desktop', ts: seenTs },
      user: userTs === null || row.user_id === null ? null : { id: String(row.user_id), ts: userTs },
    },
  };
}

export function createWindowCarryQueries(db: Database) {
  const get = db.prepare<[string, string], CarryRow>(
    'SELECT * FROM window_carry WHERE session_id = ? AND window_id = ?',
  );
  const put = db.prepare(`
    INSERT OR REPLACE INTO window_carry (session_id, window_id, derived_seq, page_view_id, url, viewport_width,
      viewport_height, scroll_x, scroll_y, document_node_id, move_positions, last_ts, active_ms, last_input_ts,
      entry_url, entry_ts, click_count, error_count, console_error_count, failed_request_count, seen_width, seen_height,
      seen_device, seen_ts, user_id, user_ts)
    VALUES (@sessionId, @windowId, @derivedSeq, @pageViewId, @url, @viewportWidth, @viewportHeight, @scrollX,
      @scrollY, @documentNodeId, @movePositions, @lastTs, @activeMs, @lastInputTs, @entryUrl, @entryTs, @clickCount,
      @errorCount, @consoleErrorCount, @failedRequestCount, @seenWidth, @seenHeight, @seenDevice, @seenTs, @userId,
      @userTs)
  `);
  const ofSession = db.prepare<[string], CarryRow & { window_id: string }>(
    'SELECT * FROM window_carry WHERE session_id = ? ORDER BY window_id',
  );
  const markStale = db.prepare<[number]>(
    'UPDATE window_carry SET derived_seq = NULL WHERE session_id IN (SELECT id FROM sessions WHERE project_id = ?)',
  );

  return {
    get(sessionId: string, windowId: string): StoredWindow | undefined {
      const row = get.get(sessionId, windowId);
      return row && toStored(row);
    },

    /** The summary of every window of the session folded so far. */
    summariesOf(sessionId: string): Array<{ windowId: string; summary: WindowSummary }> {
      return ofSession.all(sessionId).map((row) => ({ windowId: row.window_id, summary: toStored(row).summary }));
    },

    put(sessionId: string, windowId: string, stored: StoredWindow): void {
      const { summary } = stored;
      put.run({
        sessionId,
        windowId,
        derivedSeq: stored.derivedSeq,
        pageViewId: stored.pageViewId,
        ...stored.carry,
        activeMs: summary.activeMs,
        lastInputTs: summary.lastInputTs,
        entryUrl: summary.entry?.url ?? null,
        entryTs: summary.entry?.ts ?? null,
        clickCount: summary.clickCount,
        errorCount: summary.errorCount,
        consoleErrorCount: summary.consoleErrorCount,
        failedRequestCount: summary.failedRequestCount,
        seenWidth: summary.viewport?.width ?? null,
        seenHeight: summary.viewport?.height ?? null,
        seenDevice: summary.viewport?.device ?? null,
        seenTs: summary.viewport?.ts ?? null,
        userId: summary.user?.id ?? null,
        userTs: summary.user?.ts ?? null,
      });
    },

    /**
     * Marks every window of the project for folding again from its first chunk. The rows stay, so the sessions
     * keep their summaries until each window is folded again.
     */
    markProjectStale(projectId: number): void {
      markStale.run(projectId);
    },
  };
}
