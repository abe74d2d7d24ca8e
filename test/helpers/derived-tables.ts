/**
 * Every table the pipeline derives, dumped in a form that compares equal exactly when the derived data is the same:
 * rows sorted, surrogate ids (rowids, label ids) left out or replaced by what they point at, and the columns that
 * only say when a row was written (receipt and closing times) left out. The differential and crash tests compare
 * such dumps between runs that ingested the same chunks in different ways.
 */
import type BetterSqlite3 from 'better-sqlite3';

export type TableDump = Record<string, unknown[]>;

/** A page view by what it is, not by its id: window, start, URL. */
const VIEW_KEY = `(SELECT json_array(v.session_id, v.window_id, v.ts, v.url) FROM page_views v WHERE v.id = %s)`;

/** The queries, each returning rows in a stable order. */
const dumps: Record<string, string> = {
  sessions: `SELECT id, project_id, started_at, ended_at, active_ms, entry_url, entry_ts, page_count, click_count,
    error_count, console_error_count, failed_request_count, event_count, device, browser, browser_version, os,
    os_version, viewport_width, viewport_height, user_id, rage_clicks, dead_clicks, error_clicks, form_abandoned,
    cart_outcome, cart_value, friction FROM sessions ORDER BY id`,
  session_windows: 'SELECT session_id, window_id, first_ts FROM session_windows ORDER BY session_id, window_id',
  session_pages: 'SELECT session_id, url, first_ts FROM session_pages ORDER BY session_id, url',
  custom_events: `SELECT session_id, window_id, ts, tag, name, props, source FROM custom_events
    ORDER BY session_id, window_id, ts, tag, name, props`,
  page_views: `SELECT project_id, session_id, window_id, ts, last_ts, url, page_key, device, day, viewport_width,
    viewport_height, max_seen_bottom, doc_height, max_scroll_depth, snapshot_ts FROM page_views
    ORDER BY session_id, window_id, ts, url, last_ts`,
  clicks: `SELECT project_id, session_id, window_id, ts, page_key, url, selector, tag, ox, oy, x, y, vw, vh, dw, dh,
    device, day FROM clicks ORDER BY session_id, window_id, ts, selector, x, y`,
  signals: `SELECT project_id, session_id, window_id, kind, ts, selector, x, y, count, page_key, device, day, ox, oy, dw,
    details FROM signals ORDER BY session_id, window_id, kind, ts, selector`,
  form_events: `SELECT project_id, session_id, window_id, ${VIEW_KEY.replace('%s', 'f.page_view_id')} AS page_view, ts,
    page_key, action, form, field, name, kind FROM form_events f
    ORDER BY session_id, window_id, ts, action, form, field, page_view`,
  page_errors: `SELECT project_id, session_id, window_id, page_key, device, ts, kind, message FROM page_errors
    ORDER BY session_id, window_id, ts, kind, message`,
  checkout_days: 'SELECT * FROM checkout_days ORDER BY project_id, day, device',
  session_carts: 'SELECT * FROM session_carts ORDER BY session_id',
  order_events: `SELECT project_id, session_id, started_at, device, ts, refund, source, value, order_key, cart_value
    FROM order_events ORDER BY session_id, ts, refund, source, value, order_key`,
  heatmap_cells: `SELECT * FROM heatmap_cells ORDER BY project_id, page_key, kind, span, device, day, selector, anchor,
    doc_width, cell_x, cell_y`,
  page_days: 'SELECT * FROM page_days ORDER BY project_id, page_key, device, day',
  session_move_cells: `SELECT * FROM session_move_cells ORDER BY session_id, window_id, page_key, device, day, doc_width,
    cell_x, cell_y`,
  window_carry: `SELECT session_id, window_id, derived_seq, ${VIEW_KEY.replace('%s', 'w.page_view_id')} AS page_view, url,
    viewport_width, viewport_height, scroll_x, scroll_y, document_node_id, move_positions, last_ts, active_ms,
    last_input_ts, entry_url, entry_ts, click_count, error_count, seen_width, seen_height, seen_device, seen_ts, user_id,
    user_ts FROM window_carry w ORDER BY session_id, window_id`,
  funnel_labels: 'SELECT kind, text, uses FROM funnel_labels ORDER BY kind, text',
  derive_queue: 'SELECT session_id, window_id, seq, quiet FROM derive_queue ORDER BY session_id, window_id, seq',
};

/** A packed timeline (u32 count, then i64 time and u32 label id per entry) as [time, kind, label text] entries. */
function unpack(entries: Buffer, labels: Map<number, string>): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  const count = entries.readUInt32BE(0);
  for (let index = 0; index < count; index++) {
    const at = 4 + index * 12;
    const ts = Number(entries.readBigInt64BE(at));
    out.push([ts, labels.get(entries.readUInt32BE(at + 8)) ?? '(missing label)']);
  }
  // Entries at the same time keep the order they were stored in: that order is not derived data.
  return out.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

export function dumpDerivedTables(db: BetterSqlite3.Database): TableDump {
  const dump: TableDump = {};
  for (const [table, sql] of Object.entries(dumps)) dump[table] = db.prepare(sql).all();
  const labels = new Map(
    db
      .prepare<[], { id: number; kind: number; text: string }>('SELECT id, kind, text FROM funnel_labels')
      .all()
      .map((label) => [label.id, `${label.kind}:${label.text}`]),
  );
  dump.funnel_timelines = db
    .prepare<[], { project_id: number; started_at: number; session_id: string; device: string; entries: Buffer }>(
      'SELECT project_id, started_at, session_id, device, entries FROM funnel_timelines ORDER BY session_id',
    )
    .all()
    .map(({ entries, ...row }) => ({ ...row, entries: unpack(entries, labels) }));
  return dump;
}

/** Rows in each table, to show a comparison is over real data. */
export function rowCounts(dump: TableDump): Record<string, number> {
  return Object.fromEntries(Object.entries(dump).map(([table, rows]) => [table, rows.length]));
}
