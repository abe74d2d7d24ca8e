/** Rows for the session-level reports (funnels, checkout metrics); the analytics functions do the counting. */
import type { CheckoutEvent, CheckoutOptions, DaySessions } from '../analytics/checkout-metrics.ts';
import type { SessionTimeline, TimelineEntry } from '../analytics/funnel.ts';
import { DAY_MS, dayLabel } from '../analytics/heatmap-grid.ts';
import type { EventSource } from '../analytics/orders.ts';
import type { Database } from './db.ts';
import { sessionRangeParams, type SessionRange } from './form-events.ts';
import { perDevice } from './sql.ts';

/**
 * Reading every page view of the table is faster than looking them up session by session once the chosen sessions
 * are more than this share of all sessions (a scan reads rows in order; lookups jump around the file).
 */
const SCAN_SHARE = 0.25;

interface CheckoutRow {
  day: number;
  ts: number;
  name: string;
  source: EventSource;
  value: unknown;
  order_id: unknown;
}

export function createReportQueries(db: Database) {
  const sessionIds = perDevice<string>(
    db,
    (devices) =>
      'SELECT id FROM sessions WHERE project_id = @projectId AND started_at BETWEEN @from AND @to AND device ' + devices,
  );
  // The scan reads every project's views in table order; the timelines map below keeps only the chosen sessions'.
  const sessionCount = db.prepare<[], number>('SELECT count(*) FROM sessions').pluck();
  const allViews = db.prepare<[], [string, number, string]>('SELECT session_id, ts, url FROM page_views').raw();
  const viewsOfChosen = perDevice<[string, number, string]>(
    db,
    (devices) => `
      SELECT v.session_id, v.ts, v.url FROM sessions s JOIN page_views v ON v.session_id = s.id
      WHERE s.project_id = @projectId AND s.started_at BETWEEN @from AND @to AND s.device ${devices}`,
  );
  const trackedEvents = db
    .prepare<[string], [string, number, string]>(
      `SELECT session_id, ts, name FROM custom_events
       WHERE tag = 'sl:track' AND name IN (SELECT value FROM json_each(?))`,
    )
    .raw();
  const sessionsPerDay = perDevice<{ day: number; sessions: number }>(
    db,
    (devices) => `
      SELECT started_at / ${DAY_MS} AS day, count(*) AS sessions FROM sessions
      WHERE project_id = @projectId AND started_at BETWEEN @from AND @to AND device ${devices} GROUP BY day`,
  );
  const checkoutEvents = perDevice<CheckoutRow & { session_id: string }>(
    db,
    (devices) => `
      SELECT e.session_id, s.started_at / ${DAY_MS} AS day, e.ts, e.name, e.source,
        json_extract(e.props, '$.props.value') AS value, json_extract(e.props, '$.props.orderId') AS order_id
      FROM sessions s JOIN custom_events e ON e.session_id = s.id
      WHERE s.project_id = @projectId AND s.started_at BETWEEN @from AND @to AND s.device ${devices}
        AND e.tag = 'sl:track' AND e.name IN (@cartEvent, @purchaseEvent, @refundEvent)`,
  );
  // Backend events whose session is unknown still count, on the day they happened.
  const sessionlessEvents = db.prepare<Record<string, unknown>, CheckoutRow>(`
    SELECT ts / ${DAY_MS} AS day, ts, name, 'server' AS source,
      json_extract(payload, '$.props.value') AS value, json_extract(payload, '$.props.orderId') AS order_id
    FROM server_events
    WHERE project_id = @projectId AND attached = 0 AND ts BETWEEN @from AND @to
      AND name IN (@cartEvent, @purchaseEvent, @refundEvent)
  `);
  const toCheckoutEvent = (row: CheckoutRow, sessionId: string | null): CheckoutEvent => ({
    sessionId,
    day: dayLabel(row.day),
    ts: row.ts,
    name: row.name,
    source: row.source,
    value: row.value,
    orderId: row.order_id,
  });

  return {
    /** Each session in range (none left out) with its page views (when `withPages`) and tracked events named. */
    timelines(range: SessionRange, eventNames: readonly string[], withPages: boolean): SessionTimeline[] {
      const params = sessionRangeParams(range);
      const ids = sessionIds(range.device).pluck().all(params);
      const entries = new Map<string, TimelineEntry[]>(ids.map((id) => [id, []]));
      if (withPages) {
        const scan = ids.length >= SCAN_SHARE * (sessionCount.get() ?? 0);
        const views = scan ? allViews.iterate() : viewsOfChosen(range.device).raw().iterate(params);
        for (const [sessionId, ts, url] of views) entries.get(sessionId)?.push({ ts, kind: 'page', url });
      }
      if (eventNames.length > 0) {
        for (const [sessionId, ts, name] of trackedEvents.iterate(JSON.stringify(eventNames))) {
          entries.get(sessionId)?.push({ ts, kind: 'event', name });
        }
      }
      return [...entries].map(([sessionId, list]) => ({ sessionId, entries: list }));
    },

    /**
     * Sessions per start day, the cart, purchase and refund events of those sessions, and, unless a device class is
     * asked for (none is known for them), the backend's events without a session in the time range.
     */
    checkout(range: SessionRange, names: CheckoutOptions) {
      const params = sessionRangeParams(range);
      const days: DaySessions[] = sessionsPerDay(range.device)
        .all(params)
        .map((row) => ({ day: dayLabel(row.day), sessions: row.sessions }));
      const { cartEvent, purchaseEvent, refundEvent } = names;
      const eventParams = { ...params, cartEvent, purchaseEvent, refundEvent };
      const events = checkoutEvents(range.device)
        .all(eventParams)
        .map((row) => toCheckoutEvent(row, row.session_id));
      if (!range.device) for (const row of sessionlessEvents.iterate(eventParams)) events.push(toCheckoutEvent(row, null));
      return { days, events };
    },
  };
}
