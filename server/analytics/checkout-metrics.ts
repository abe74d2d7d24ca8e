/**
 * Checkout metrics per day from tracked events (`Sightline.track('add_to_cart', { value })`, `track('purchase', …)`,
 * `refund`), sent by the store's pages or by its backend through POST /api/events.
 *
 * Definitions, per day (the UTC day the session started; for an event without a session, its own day) and in total:
 * - sessions: sessions started that day; cart sessions: with at least one add_to_cart; purchase sessions: with at
 *   least one order; orders: purchases, one per orderId however many times and from wherever it was reported
 *   (see ./orders.ts).
 * - conversion rate = purchase sessions / sessions.
 * - cart abandonment rate = cart sessions without an order / cart sessions.
 * - revenue = sum of order values minus refunds; average order value = revenue / orders.
 * - refunds: refund events; refunded value: what they took back; refund rate = refunded orders / orders.
 * - abandoned cart value = sum of add_to_cart `value` in cart sessions without an order.
 * A `value` that is not a finite number (or a numeric string) counts as 0. Money is rounded to cents at the end, so
 * sums do not drift on binary fractions; rates are left unrounded. A rate with nothing to divide by is null.
 */
import { moneyValue, reconcileOrders, type OrderEvent } from './orders.ts';
import type { CheckoutEvent, CheckoutOptions, DaySessions, EventSource } from '../../contract/rows.ts';
import type { CheckoutFigures, DayFigures } from '../../contract/insights.ts';

export { moneyValue } from './orders.ts';

export const defaultCheckoutOptions: Readonly<CheckoutOptions> = Object.freeze({
  cartEvent: 'add_to_cart',
  purchaseEvent: 'purchase',
  refundEvent: 'refund',
});

export interface CheckoutMetrics {
  /** Every day with sessions or events, oldest first. */
  days: DayFigures[];
  totals: CheckoutFigures;
}

const cents = (amount: number): number => Math.round(amount * 100) / 100;
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

interface SessionTally {
  day: string;
  cartValue: number;
  carted: boolean;
  bought: boolean;
}

interface Sums {
  sessions: number;
  cartSessions: number;
  purchaseSessions: number;
  orders: number;
  revenue: number;
  abandonedCartValue: number;
  abandonedCarts: number;
  refunds: number;
  refundedValue: number;
  refundedOrders: number;
}

const emptySums = (): Sums => ({
  sessions: 0,
  cartSessions: 0,
  purchaseSessions: 0,
  orders: 0,
  revenue: 0,
  abandonedCartValue: 0,
  abandonedCarts: 0,
  refunds: 0,
  refundedValue: 0,
  refundedOrders: 0,
});

function figures(sums: Sums): CheckoutFigures {
  return {
    sessions: sums.sessions,
    cartSessions: sums.cartSessions,
    purchaseSessions: sums.purchaseSessions,
    orders: sums.orders,
    conversionRate: ratio(sums.purchaseSessions, sums.sessions),
    cartAbandonmentRate: ratio(sums.abandonedCarts, sums.cartSessions),
    revenue: cents(sums.revenue),
    averageOrderValue: sums.orders > 0 ? cents(sums.revenue / sums.orders) : null,
    abandonedCartValue: cents(sums.abandonedCartValue),
    refunds: sums.refunds,
    refundedValue: cents(sums.refundedValue),
    refundRate: ratio(sums.refundedOrders, sums.orders),
  };
}

export function computeCheckoutMetrics(
  sessionsPerDay: readonly DaySessions[],
  events: Iterable<CheckoutEvent>,
  options: Partial<CheckoutOptions> = {},
): CheckoutMetrics {
  const { cartEvent, purchaseEvent, refundEvent } = { ...defaultCheckoutOptions, ...options };
  const bySession = new Map<string, SessionTally>();
  const tallyOf = (sessionId: string, day: string): SessionTally => {
    let tally = bySession.get(sessionId);
    if (!tally) bySession.set(sessionId, (tally = { day, cartValue: 0, carted: false, bought: false }));
    return tally;
  };
  const orderEvents: OrderEvent[] = [];
  for (const event of events) {
    const kind = event.name === purchaseEvent ? 'purchase' : event.name === refundEvent ? 'refund' : undefined;
    if (kind) orderEvents.push({ ...event, kind });
    // A cart event without a session has no visit to abandon.
    if (event.name === cartEvent && event.sessionId !== null) {
      const tally = tallyOf(event.sessionId, event.day);
      tally.carted = true;
      tally.cartValue += moneyValue(event.value);
    }
  }

  const days = new Map<string, Sums>();
  const daySums = (day: string): Sums => {
    let sums = days.get(day);
    if (!sums) days.set(day, (sums = emptySums()));
    return sums;
  };
  for (const { day, sessions } of sessionsPerDay) daySums(day).sessions += sessions;
  const { orders, unmatchedRefunds } = reconcileOrders(orderEvents);
  for (const order of orders) {
    const sums = daySums(order.day);
    sums.orders += 1;
    sums.revenue += order.value - order.refundedValue;
    sums.refunds += order.refunds;
    sums.refundedValue += order.refundedValue;
    sums.refundedOrders += order.refunds > 0 ? 1 : 0;
    if (order.sessionId !== null) tallyOf(order.sessionId, order.day).bought = true;
  }
  for (const refund of unmatchedRefunds) {
    const sums = daySums(refund.day);
    sums.refunds += 1;
    sums.revenue -= refund.value;
    sums.refundedValue += refund.value;
  }
  for (const tally of bySession.values()) {
    const sums = daySums(tally.day);
    sums.cartSessions += tally.carted ? 1 : 0;
    sums.purchaseSessions += tally.bought ? 1 : 0;
    if (tally.carted && !tally.bought) {
      sums.abandonedCarts += 1;
      sums.abandonedCartValue += tally.cartValue;
    }
  }

  const total = emptySums();
  const ordered = [...days.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [, sums] of ordered) {
    for (const key of Object.keys(total) as (keyof Sums)[]) total[key] += sums[key];
  }
  return { days: ordered.map(([day, sums]) => ({ day, ...figures(sums) })), totals: figures(total) };
}
