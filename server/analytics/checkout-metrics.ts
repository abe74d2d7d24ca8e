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
import { moneyValue } from '../../contract/money.ts';
import { reconcileOrders, type Order } from './orders.ts';
import type {
  CheckoutEvent,
  CheckoutOptions,
  CheckoutOrderEvent,
  DayCheckoutTotals,
  DaySessions,
  OrderEvent,
} from '../../contract/rows.ts';
import type { CheckoutFigures, DayFigures } from '../../contract/insights.ts';

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

/** Sums per day, created as days are named; `finish` orders them and adds up the totals. */
class DayBook {
  readonly #days = new Map<string, Sums>();

  of(day: string): Sums {
    let sums = this.#days.get(day);
    if (!sums) this.#days.set(day, (sums = emptySums()));
    return sums;
  }

  finish(): CheckoutMetrics {
    const total = emptySums();
    const ordered = [...this.#days.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, sums] of ordered) {
      for (const key of Object.keys(total) as (keyof Sums)[]) total[key] += sums[key];
    }
    return { days: ordered.map(([day, sums]) => ({ day, ...figures(sums) })), totals: figures(total) };
  }
}

/** Reconciles the purchase and refund events into orders, counted on their days; answers the orders. */
function countOrders(book: DayBook, orderEvents: readonly OrderEvent[]): readonly Order[] {
  const { orders, unmatchedRefunds } = reconcileOrders(orderEvents);
  for (const order of orders) {
    const sums = book.of(order.day);
    sums.orders += 1;
    sums.revenue += order.value - order.refundedValue;
    sums.refunds += order.refunds;
    sums.refundedValue += order.refundedValue;
    sums.refundedOrders += order.refunds > 0 ? 1 : 0;
  }
  for (const refund of unmatchedRefunds) {
    const sums = book.of(refund.day);
    sums.refunds += 1;
    sums.revenue -= refund.value;
    sums.refundedValue += refund.value;
  }
  return orders;
}

function orderKind(name: string, { purchaseEvent, refundEvent }: CheckoutOptions): OrderEvent['kind'] | undefined {
  return name === purchaseEvent ? 'purchase' : name === refundEvent ? 'refund' : undefined;
}

/**
 * The metrics from every checkout event of the sessions in range, one by one: the straightforward computation, and
 * the reference that checkoutMetricsFromTotals (what the route runs) is tested against.
 */
export function computeCheckoutMetrics(
  sessionsPerDay: readonly DaySessions[],
  events: Iterable<CheckoutEvent>,
  options: Partial<CheckoutOptions> = {},
): CheckoutMetrics {
  const names = { ...defaultCheckoutOptions, ...options };
  const bySession = new Map<string, SessionTally>();
  const tallyOf = (sessionId: string, day: string): SessionTally => {
    let tally = bySession.get(sessionId);
    if (!tally) bySession.set(sessionId, (tally = { day, cartValue: 0, carted: false, bought: false }));
    return tally;
  };
  const orderEvents: OrderEvent[] = [];
  for (const event of events) {
    const kind = orderKind(event.name, names);
    if (kind) orderEvents.push({ ...event, kind });
    // A cart event without a session has no visit to abandon.
    if (event.name === names.cartEvent && event.sessionId !== null) {
      const tally = tallyOf(event.sessionId, event.day);
      tally.carted = true;
      tally.cartValue += moneyValue(event.value);
    }
  }

  const book = new DayBook();
  for (const { day, sessions } of sessionsPerDay) book.of(day).sessions += sessions;
  for (const order of countOrders(book, orderEvents)) {
    if (order.sessionId !== null) tallyOf(order.sessionId, order.day).bought = true;
  }
  for (const tally of bySession.values()) {
    const sums = book.of(tally.day);
    sums.cartSessions += tally.carted ? 1 : 0;
    sums.purchaseSessions += tally.bought ? 1 : 0;
    if (tally.carted && !tally.bought) {
      sums.abandonedCarts += 1;
      sums.abandonedCartValue += tally.cartValue;
    }
  }
  return book.finish();
}

/**
 * The same metrics from what storage keeps summed: each day's sessions, cart sessions and cart value, and only the
 * purchase and refund events, each with its session's cart. Every cart is abandoned until an order is placed in its
 * session, so a day's abandoned carts are its cart sessions less those that bought, and so is their value.
 */
export function checkoutMetricsFromTotals(
  days: readonly DayCheckoutTotals[],
  orderEvents: readonly CheckoutOrderEvent[],
): CheckoutMetrics {
  const book = new DayBook();
  for (const { day, sessions, cartSessions, cartValue } of days) {
    const sums = book.of(day);
    sums.sessions += sessions;
    sums.cartSessions += cartSessions;
    sums.abandonedCarts += cartSessions;
    sums.abandonedCartValue += cartValue;
  }
  const cartOf = new Map<string, number | null>();
  for (const event of orderEvents) if (event.sessionId !== null) cartOf.set(event.sessionId, event.sessionCartValue);
  const bought = new Set<string>();
  for (const order of countOrders(book, orderEvents)) {
    if (order.sessionId === null || bought.has(order.sessionId)) continue;
    bought.add(order.sessionId);
    const sums = book.of(order.day);
    sums.purchaseSessions += 1;
    const cartValue = cartOf.get(order.sessionId) ?? null;
    if (cartValue !== null) {
      sums.abandonedCarts -= 1;
      sums.abandonedCartValue -= cartValue;
    }
  }
  return book.finish();
}
