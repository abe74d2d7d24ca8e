/**
 * The checkout metrics' rows read as GET /api/metrics read them before storage kept totals: every session in range
 * per start day, and every cart, purchase and refund event of those sessions (plus, without a device filter, the
 * backend's events without a session). computeCheckoutMetrics over these is what the route must still answer.
 */
import { DAY_MS, dayLabel } from '../../contract/buckets.ts';
import type { CheckoutEvent, DaySessions, EventSource } from '../../contract/rows.ts';
import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { Database } from '../../server/storage/db.ts';

export interface ReferenceRange {
  from?: number;
  to?: number;
  device?: DeviceClass;
}

const json = (column: string, path: string) => `CASE WHEN json_valid(${column}) THEN json_extract(${column}, '${path}') END`;

export function checkoutReferenceRows(db: Database, projectId: number, range: ReferenceRange) {
  const params = {
    projectId,
    from: range.from ?? -Number.MAX_SAFE_INTEGER,
    to: range.to ?? Number.MAX_SAFE_INTEGER,
    device: range.device ?? null,
  };
  const inRange = 's.project_id = @projectId AND s.started_at BETWEEN @from AND @to AND (@device IS NULL OR s.device = @device)';
  const days: DaySessions[] = db
    .prepare<typeof params, { day: number; sessions: number }>(
      `SELECT s.started_at / ${DAY_MS} AS day, count(*) AS sessions FROM sessions s WHERE ${inRange} GROUP BY day`,
    )
    .all(params)
    .map((row) => ({ day: dayLabel(row.day), sessions: row.sessions }));
  type Row = { session_id: string | null; day: number; ts: number; name: string; source: EventSource; value: unknown; order_id: unknown };
  const toEvent = (row: Row): CheckoutEvent => ({
    sessionId: row.session_id,
    day: dayLabel(row.day),
    ts: row.ts,
    name: row.name,
    source: row.source,
    value: row.value,
    orderId: row.order_id,
  });
  const events = db
    .prepare<typeof params, Row>(
      `SELECT e.session_id, s.started_at / ${DAY_MS} AS day, e.ts, e.name, e.source,
        ${json('e.props', '$.props.value')} AS value, ${json('e.props', '$.props.orderId')} AS order_id
      FROM sessions s JOIN custom_events e ON e.session_id = s.id
      WHERE ${inRange} AND e.tag = 'sl:track' AND e.name IN ('add_to_cart', 'purchase', 'refund')
      ORDER BY e.id`,
    )
    .all(params)
    .map(toEvent);
  if (!range.device) {
    const sessionless = db.prepare<typeof params, Row>(
      `SELECT NULL AS session_id, ts / ${DAY_MS} AS day, ts, name, 'server' AS source,
        ${json('payload', '$.props.value')} AS value, ${json('payload', '$.props.orderId')} AS order_id
      FROM server_events WHERE project_id = @projectId AND attached = 0 AND ts BETWEEN @from AND @to
        AND name IN ('add_to_cart', 'purchase', 'refund') ORDER BY id`,
    );
    for (const row of sessionless.all(params)) events.push(toEvent(row));
  }
  return { days, events };
}
