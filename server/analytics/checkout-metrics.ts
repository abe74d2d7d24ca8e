/**
 * Checkout metrics per day from tracked events (`Sightline.track('add_to_cart', { value })`, `track('purchase', …)`).
 *
 * Definitions, per day (the UTC day the session started) and in total:
 * - sessions: sessions started that day; cart sessions: with at least one add_to_cart; purchase sessions: with at
 *   least one purchase; orders: purchase events.
 * - conversion rate = purchase sessions / sessions.
 * - cart abandonment rate = cart sessions without a purchase / cart sessions.
 * - revenue = sum of purchase `value`; average order value = revenue / orders.
 * - abandoned cart value = sum of add_to_cart `value` in cart sessions without a purchase.
 * A `value` that is not a finite number (or a numeric string) counts as 0. Money is rounded to cents at the end, so
 * sums do not drift on binary fractions; rates are left unrounded. A rate with nothing to divide by is null.
 */

export interface CheckoutOptions {
  /** Tracked event name of putting something in the cart. Defaults to 'add_to_cart'. */
  cartEvent: string;
  /** Tracked event name of a completed order. Defaults to 'purchase'. */
  purchaseEvent: string;
}

export const defaultCheckoutOptions: Readonly<CheckoutOptions> = Object.freeze({
  cartEvent: 'add_to_cart',
  purchaseEvent: 'purchase',
});

/** Sessions started on one day (`YYYY-MM-DD`, UTC). */
export interface DaySessions {
  day: string;
  sessions: number;
}

/** One tracked event, with the day its session started. */
export interface CheckoutEvent {
  sessionId: string;
  day: string;
  name: string;
  /** The event's `props.value` as sent. */
  value: unknown;
}

export interface CheckoutFigures {
  sessions: number;
  cartSessions: number;
  purchaseSessions: number;
  orders: number;
  /** purchaseSessions / sessions; null without sessions. */
  conversionRate: number | null;
  /** Cart sessions without a purchase / cart sessions; null without cart sessions. */
  cartAbandonmentRate: number | null;
  revenue: number;
  /** revenue / orders; null without orders. */
  averageOrderValue: number | null;
  abandonedCartValue: number;
}

export interface DayFigures extends CheckoutFigures {
  day: string;
}

export interface CheckoutMetrics {
  /** Every day with sessions or events, oldest first. */
  days: DayFigures[];
  totals: CheckoutFigures;
}

export function moneyValue(value: unknown): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : 0;
}

const cents = (amount: number): number => Math.round(amount * 100) / 100;
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

interface SessionTally {
  day: string;
  cartValue: number;
  carted: boolean;
  orders: number;
  revenue: number;
}

interface Sums {
  sessions: number;
  cartSessions: number;
  purchaseSessions: number;
  orders: number;
  revenue: number;
  abandonedCartValue: number;
  abandonedCarts: number;
}

const emptySums = (): Sums => ({
  sessions: 0,
  cartSessions: 0,
  purchaseSessions: 0,
  orders: 0,
  revenue: 0,
  abandonedCartValue: 0,
  abandonedCarts: 0,
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
  };
}

export function computeCheckoutMetrics(
  sessionsPerDay: readonly DaySessions[],
  events: Iterable<CheckoutEvent>,
  options: Partial<CheckoutOptions> = {},
): CheckoutMetrics {
  const { cartEvent, purchaseEvent } = { ...defaultCheckoutOptions, ...options };
  const bySession = new Map<string, SessionTally>();
  for (const event of events) {
    if (event.name !== cartEvent && event.name !== purchaseEvent) continue;
    let tally = bySession.get(event.sessionId);
    if (!tally) bySession.set(event.sessionId, (tally = { day: event.day, cartValue: 0, carted: false, orders: 0, revenue: 0 }));
    if (event.name === cartEvent) {
      tally.carted = true;
      tally.cartValue += moneyValue(event.value);
    } else {
      tally.orders += 1;
      tally.revenue += moneyValue(event.value);
    }
  }

  const days = new Map<string, Sums>();
  const daySums = (day: string): Sums => {
    let sums = days.get(day);
    if (!sums) days.set(day, (sums = emptySums()));
    return sums;
  };
  for (const { day, sessions } of sessionsPerDay) daySums(day).sessions += sessions;
  for (const tally of bySession.values()) {
    const sums = daySums(tally.day);
    sums.cartSessions += tally.carted ? 1 : 0;
    sums.purchaseSessions += tally.orders > 0 ? 1 : 0;
    sums.orders += tally.orders;
    sums.revenue += tally.revenue;
    if (tally.carted && tally.orders === 0) {
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
