/** Rows for the checkout metrics; the analytics functions do the counting. (Funnels read funnel-timelines.ts.) */
import type { CheckoutEvent, CheckoutOptions, DaySessions, EventSource } from '../../contract/rows.ts';
import { DAY_MS, dayLabel } from '../../contract/buckets.ts';
import type { Database } from './db.ts';
import { sessionRangeParams, type SessionRange } from './form-events.ts';
import { jsonField, perDevice } from './sql.ts';

interface CheckoutRow {
  day: number;
  ts: number;
  name: string;
  source: EventSource;
  value: unknown;
  order_id: unknown;
}

export function createReportQueries(db: Database) {
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
        ${jsonField('e.props', '$.props.value')} AS value, ${jsonField('e.props', '$.props.orderId')} AS order_id
      FROM sessions s JOIN custom_events e ON e.session_id = s.id
      WHERE s.project_id = @projectId AND s.started_at BETWEEN @from AND @to AND s.device ${devices}
        AND e.tag = 'sl:track' AND e.name IN (@cartEvent, @purchaseEvent, @refundEvent)`,
  );
  // Backend events whose session is unknown still count, on the day they happened.
  const sessionlessEvents = db.prepare<Record<string, unknown>, CheckoutRow>(`
    SELECT ts / ${DAY_MS} AS day, ts, name, 'server' AS source,
      ${jsonField('payload', '$.props.value')} AS value, ${jsonField('payload', '$.props.orderId')} AS order_id
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
