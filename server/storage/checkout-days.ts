/**
 * Rows for the checkout metrics, from what migration 19 keeps: whole days of a range read checkout_days, a row per
 * UTC start day and device; the part days at its ends (a range from a viewer's local midnight) are summed from
 * their sessions and session_carts. Purchases and refunds are read from order_events, each with its session's cart
 * value, one covering index range, since orders merge across sessions by orderId; in the order stored, which settles which of two reports at
 * the same time is the earlier. The event names are the metrics' defaults, which the migration's triggers name.
 */
import { DAY_MS, dayLabel } from '../../contract/buckets.ts';
import { moneyValue, orderKey } from '../../contract/money.ts';
import type { CheckoutOrderEvent, DayCheckoutTotals, EventSource } from '../../contract/rows.ts';
import type { Database } from './db.ts';
import { sessionRangeParams, type SessionRange } from './form-events.ts';
import { jsonField, perDevice } from './sql.ts';

/** The SQL functions the checkout triggers value an event and name its order with: the metrics' own rules. */
export function registerCheckoutFunctions(db: Database): void {
  db.function('sightline_money', { deterministic: true }, (value) => moneyValue(value));
  db.function('sightline_order_key', { deterministic: true }, (orderId) => orderKey(orderId));
}

interface TotalsRow {
  day: number;
  sessions: number;
  cart_sessions: number;
  cart_value: number;
}

interface OrderEventRow {
  session_id: string | null;
  day: number;
  ts: number;
  refund: number;
  source: EventSource;
  value: unknown;
  order_id: unknown;
  cart_value: number | null;
}

/**
 * The whole UTC days inside [from, to] and the times before and after them. Days are counted from day 1: SQL's
 * `started_at / DAY_MS` truncates, so day 0 also holds the last day before the epoch, and times there are summed
 * from their sessions, as any part day is.
 */
export function splitAtWholeDays(from: number, to: number) {
  const firstDay = Math.max(1, Math.ceil(from / DAY_MS));
  const lastDay = Math.floor((to + 1) / DAY_MS) - 1;
  if (firstDay > lastDay) return { firstDay, lastDay, before: [from, to] as const, after: [1, 0] as const };
  return {
    firstDay,
    lastDay,
    before: [from, firstDay * DAY_MS - 1] as const,
    after: [(lastDay + 1) * DAY_MS, to] as const,
  };
}

export function createCheckoutDayQueries(db: Database) {
  const wholeDays = perDevice<TotalsRow>(
    db,
    (devices) => `
      SELECT day, sum(sessions) AS sessions, sum(cart_sessions) AS cart_sessions, total(cart_value) AS cart_value
      FROM checkout_days WHERE project_id = @projectId AND day BETWEEN @firstDay AND @lastDay AND device ${devices}
      GROUP BY day HAVING sum(sessions) > 0`,
  );
  const partDays = perDevice<TotalsRow>(db, (devices) => {
    const part = (from: string, to: string) => `
      SELECT s.started_at / ${DAY_MS} AS day, c.session_id AS carted, c.value FROM sessions s
      LEFT JOIN session_carts c ON c.session_id = s.id
      WHERE s.project_id = @projectId AND s.started_at BETWEEN ${from} AND ${to} AND s.device ${devices}`;
    return `
      SELECT day, count(*) AS sessions, count(carted) AS cart_sessions, total(value) AS cart_value FROM (
        ${part('@beforeFrom', '@beforeTo')} UNION ALL ${part('@afterFrom', '@afterTo')}
      ) GROUP BY day`;
  });
  const orderEvents = perDevice<OrderEventRow>(
    db,
    (devices) => `
      SELECT session_id, started_at / ${DAY_MS} AS day, ts, refund, source, value, order_key AS order_id, cart_value
      FROM order_events WHERE project_id = @projectId AND started_at BETWEEN @from AND @to AND device ${devices}
      ORDER BY event_id`,
  );
  // Backend events whose session is unknown still count, on the day they happened.
  const sessionlessEvents = db.prepare<Record<string, unknown>, OrderEventRow>(`
    SELECT NULL AS session_id, ts / ${DAY_MS} AS day, ts, name = 'refund' AS refund, 'server' AS source,
      ${jsonField('payload', '$.props.value')} AS value, ${jsonField('payload', '$.props.orderId')} AS order_id,
      NULL AS cart_value
    FROM server_events
    WHERE project_id = @projectId AND attached = 0 AND ts BETWEEN @from AND @to AND name IN ('purchase', 'refund')
    ORDER BY id
  `);

  const toTotals = (row: TotalsRow): DayCheckoutTotals => ({
    day: dayLabel(row.day),
    sessions: row.sessions,
    cartSessions: row.cart_sessions,
    cartValue: row.cart_value,
  });
  // Thousands of events share a few dozen days: each day's label is made once per read.
  const toOrderEvent = (row: OrderEventRow, labels: Map<number, string>): CheckoutOrderEvent => ({
    kind: row.refund ? 'refund' : 'purchase',
    sessionId: row.session_id,
    day: labels.get(row.day) ?? labels.set(row.day, dayLabel(row.day)).get(row.day)!,
    ts: row.ts,
    source: row.source,
    value: row.value,
    orderId: row.order_id,
    sessionCartValue: row.cart_value,
  });

  return {
    /**
     * Each start day's session and cart totals of the sessions in range, their purchase and refund events, and,
     * unless a device class is asked for (none is known for them), the backend's such events without a session.
     */
    checkoutTotals(range: SessionRange) {
      const params = sessionRangeParams(range);
      const split = splitAtWholeDays(params.from as number, params.to as number);
      const days = [
        ...wholeDays(range.device).all({ ...params, firstDay: split.firstDay, lastDay: split.lastDay }),
        ...partDays(range.device).all({
          ...params,
          beforeFrom: split.before[0],
          beforeTo: split.before[1],
          afterFrom: split.after[0],
          afterTo: split.after[1],
        }),
      ].map(toTotals);
      const labels = new Map<number, string>();
      const events = orderEvents(range.device).all(params).map((row) => toOrderEvent(row, labels));
      if (!range.device) for (const row of sessionlessEvents.iterate(params)) events.push(toOrderEvent(row, labels));
      return { days, events };
    },
  };
}
