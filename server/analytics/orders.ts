/**
 * Orders from purchase and refund events, whichever side reported them: the store's page
 * (`Sightline.track('purchase', { orderId, value })`) or its backend (`POST /api/events`).
 *
 * Rules:
 * - Purchases with the same orderId are one order, whatever order they arrived in. Its value is the backend's when
 *   the backend reported it (it is authoritative: it knows discounts, taxes and failed payments), else the
 *   browser's; among several reports from one side, the earliest.
 * - The order belongs to the session of its earliest browser report (where the shopper bought), else to that of a
 *   backend report, else to no session (the backend reported it and the shopper's browser sent nothing, or not yet).
 * - A purchase without an orderId is an order of its own.
 * - A refund of an order among the purchases takes its `value` off that order, or all that is left of the order when
 *   it carries no positive value; an order never goes below 0. It counts on the order's day.
 * - A refund of an order not among the purchases (bought before the range, or sent without orderId) takes its value
 *   off its own day; no order is known to be refunded, so it does not enter the refund rate.
 * Refunds are not merged across sources: the backend alone should report them.
 */
import { moneyValue, orderKey } from '../../contract/money.ts';
import type { OrderEvent } from '../../contract/rows.ts';

export interface Order {
  /** null for a purchase sent without one. */
  orderId: string | null;
  sessionId: string | null;
  day: string;
  /** What was paid, before refunds. */
  value: number;
  /** Taken back by refunds, at most `value`. */
  refundedValue: number;
  /** Refund events of this order. */
  refunds: number;
}

/** A refund of no order among the purchases. */
export interface UnmatchedRefund {
  day: string;
  value: number;
}

export interface ReconciledOrders {
  orders: Order[];
  unmatchedRefunds: UnmatchedRefund[];
}

/** Reports of one order, earliest first. */
function mergeReports(orderId: string | null, reports: readonly OrderEvent[]): Order {
  const priced = reports.find((report) => report.source === 'server') ?? reports[0]!;
  const placed =
    reports.find((report) => report.source === 'browser' && report.sessionId !== null) ??
    reports.find((report) => report.sessionId !== null) ??
    reports[0]!;
  return { orderId, sessionId: placed.sessionId, day: placed.day, value: moneyValue(priced.value), refundedValue: 0, refunds: 0 };
}

export function reconcileOrders(events: Iterable<OrderEvent>): ReconciledOrders {
  // Stable sort: equal times keep the order they were read in.
  const byTime = [...events].sort((a, b) => a.ts - b.ts);
  const reportsByOrder = new Map<string, OrderEvent[]>();
  const orders: Order[] = [];
  for (const event of byTime) {
    if (event.kind !== 'purchase') continue;
    const key = orderKey(event.orderId);
    if (key === null) orders.push(mergeReports(null, [event]));
    else if (reportsByOrder.has(key)) reportsByOrder.get(key)!.push(event);
    else reportsByOrder.set(key, [event]);
  }
  const ordersById = new Map<string, Order>();
  for (const [key, reports] of reportsByOrder) {
    const order = mergeReports(key, reports);
    ordersById.set(key, order);
    orders.push(order);
  }

  const unmatchedRefunds: UnmatchedRefund[] = [];
  for (const event of byTime) {
    if (event.kind !== 'refund') continue;
    const key = orderKey(event.orderId);
    const order = key === null ? undefined : ordersById.get(key);
    const asked = moneyValue(event.value);
    if (!order) {
      unmatchedRefunds.push({ day: event.day, value: Math.max(0, asked) });
      continue;
    }
    const left = order.value - order.refundedValue;
    order.refundedValue += Math.max(0, Math.min(left, asked > 0 ? asked : left));
    order.refunds += 1;
  }
  return { orders, unmatchedRefunds };
}
