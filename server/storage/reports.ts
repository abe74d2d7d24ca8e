/** Rows for the checkout metrics; the analytics functions do the counting. (Funnels read funnel-timelines.ts.) */
import type { CheckoutEvent, DaySessions } from '../analytics/checkout-metrics.ts';
import { DAY_MS, dayLabel } from '../analytics/heatmap-grid.ts';
import type { Database } from './db.ts';
import { sessionRangeParams, type SessionRange } from './form-events.ts';
import { perDevice } from './sql.ts';

export function createReportQueries(db: Database) {
  const sessionsPerDay = perDevice<{ day: number; sessions: number }>(
    db,
    (devices) => `
      SELECT started_at / ${DAY_MS} AS day, count(*) AS sessions FROM sessions
      WHERE started_at BETWEEN @from AND @to AND device ${devices} GROUP BY day`,
  );
  const checkoutEvents = perDevice<{ session_id: string; day: number; name: string; value: unknown }>(
    db,
    (devices) => `
      SELECT e.session_id, s.started_at / ${DAY_MS} AS day, e.name, json_extract(e.props, '$.props.value') AS value
      FROM sessions s JOIN custom_events e ON e.session_id = s.id
      WHERE s.started_at BETWEEN @from AND @to AND s.device ${devices}
        AND e.tag = 'sl:track' AND e.name IN (@cartEvent, @purchaseEvent)`,
  );

  return {
    /** Sessions per start day, and the cart and purchase events of those sessions with their `props.value`. */
    checkout(range: SessionRange, names: { cartEvent: string; purchaseEvent: string }) {
      const params = sessionRangeParams(range);
      const days: DaySessions[] = sessionsPerDay(range.device)
        .all(params)
        .map((row) => ({ day: dayLabel(row.day), sessions: row.sessions }));
      const events: CheckoutEvent[] = checkoutEvents(range.device)
        .all({ ...params, ...names })
        .map((row) => ({ sessionId: row.session_id, day: dayLabel(row.day), name: row.name, value: row.value }));
      return { days, events };
    },
  };
}
