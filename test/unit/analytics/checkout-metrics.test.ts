import { describe, expect, test } from 'vitest';
import { moneyValue } from '../../../contract/money.ts';
import { computeCheckoutMetrics } from '../../../server/analytics/checkout-metrics.ts';
import type { CheckoutEvent } from '../../../contract/rows.ts';

/** A tracked event; `ts` only orders events here, so it defaults to a running counter. */
let clock = 0;
function tracked(name: string, sessionId: string | null, day: string, value: unknown, fields: Partial<CheckoutEvent> = {}): CheckoutEvent {
  return { sessionId, day, ts: ++clock, name, source: 'browser', value, orderId: undefined, ...fields };
}
const cart = (sessionId: string, day: string, value: unknown) => tracked('add_to_cart', sessionId, day, value);
const purchase = (sessionId: string | null, day: string, value: unknown, fields: Partial<CheckoutEvent> = {}) =>
  tracked('purchase', sessionId, day, value, fields);
const refund = (sessionId: string | null, day: string, value: unknown, fields: Partial<CheckoutEvent> = {}) =>
  tracked('refund', sessionId, day, value, { source: 'server', ...fields });

describe('analytics | checkout metrics', () => {
  test('computes every figure per day and in total', () => {
    const days = [
      { day: '2024-05-01', sessions: 4 },
      { day: '2024-05-02', sessions: 2 },
    ];
    const events = [
      // Day 1: a adds twice and buys; b adds and leaves; c buys without a cart event; d only browses.
      cart('a', '2024-05-01', 10.1),
      cart('a', '2024-05-01', 20.2),
      purchase('a', '2024-05-01', 30.3),
      cart('b', '2024-05-01', 15),
      purchase('c', '2024-05-01', 9.7),
      // Day 2: e buys twice; f adds (value as a string) and leaves.
      purchase('e', '2024-05-02', 50),
      purchase('e', '2024-05-02', 25),
      cart('f', '2024-05-02', '12.5'),
      // Other events do not count.
      tracked('checkout_start', 'd', '2024-05-01', 99),
    ];
    const metrics = computeCheckoutMetrics(days, events);
    expect(metrics.days).toEqual([
      {
        day: '2024-05-01',
        sessions: 4,
        cartSessions: 2,
        purchaseSessions: 2,
        orders: 2,
        conversionRate: 0.5,
        cartAbandonmentRate: 0.5,
        revenue: 40,
        averageOrderValue: 20,
        abandonedCartValue: 15,
        refunds: 0,
        refundedValue: 0,
        refundRate: 0,
      },
      {
        day: '2024-05-02',
        sessions: 2,
        cartSessions: 1,
        purchaseSessions: 1,
        orders: 2,
        conversionRate: 0.5,
        cartAbandonmentRate: 1,
        revenue: 75,
        averageOrderValue: 37.5,
        abandonedCartValue: 12.5,
        refunds: 0,
        refundedValue: 0,
        refundRate: 0,
      },
    ]);
    expect(metrics.totals).toEqual({
      sessions: 6,
      cartSessions: 3,
      purchaseSessions: 3,
      orders: 4,
      conversionRate: 0.5,
      cartAbandonmentRate: 2 / 3,
      revenue: 115,
      averageOrderValue: 28.75,
      abandonedCartValue: 27.5,
      refunds: 0,
      refundedValue: 0,
      refundRate: 0,
    });
  });

  test('answers null rates and order value when there is nothing to divide by', () => {
    const metrics = computeCheckoutMetrics([{ day: '2024-05-01', sessions: 3 }], []);
    expect(metrics.days[0]).toMatchObject({ conversionRate: 0, cartAbandonmentRate: null, averageOrderValue: null, revenue: 0 });
    expect(computeCheckoutMetrics([], []).totals).toMatchObject({ sessions: 0, conversionRate: null });
  });

  test('rounds money to cents after summing, not before', () => {
    const events = [purchase('a', '2024-05-01', 0.1), purchase('b', '2024-05-01', 0.2), purchase('c', '2024-05-01', 0.004)];
    const metrics = computeCheckoutMetrics([{ day: '2024-05-01', sessions: 3 }], events);
    expect(metrics.totals.revenue).toBe(0.3);
    expect(metrics.totals.averageOrderValue).toBe(0.1);
  });

  test('takes other event names from its options', () => {
    const events = [tracked('order', 'a', '2024-05-01', 5), tracked('chargeback', 'a', '2024-05-01', 2)];
    const metrics = computeCheckoutMetrics([{ day: '2024-05-01', sessions: 1 }], events, {
      purchaseEvent: 'order',
      refundEvent: 'chargeback',
    });
    expect(metrics.totals).toMatchObject({ purchaseSessions: 1, revenue: 3, refunds: 1, refundedValue: 2 });
  });

  test('counts an order tracked in the browser and reported by the backend once, at the backend value', () => {
    const days = [{ day: '2024-05-01', sessions: 2 }];
    // Session a: the browser's purchase arrives first. Session b: the backend's does.
    const events = [
      cart('a', '2024-05-01', 40),
      purchase('a', '2024-05-01', 40, { orderId: 'A-1' }),
      purchase('a', '2024-05-01', 38.5, { orderId: 'A-1', source: 'server' }),
      cart('b', '2024-05-01', 10),
      purchase('b', '2024-05-01', 12, { orderId: 'B-1', source: 'server' }),
      purchase('b', '2024-05-01', 10, { orderId: 'B-1' }),
    ];
    const metrics = computeCheckoutMetrics(days, events);
    expect(metrics.totals).toMatchObject({ orders: 2, purchaseSessions: 2, revenue: 50.5, cartAbandonmentRate: 0 });
  });

  test('counts a backend purchase without a session on its own day, outside the session figures', () => {
    const days = [{ day: '2024-05-01', sessions: 1 }];
    const events = [cart('a', '2024-05-01', 20), purchase(null, '2024-05-02', 20, { orderId: 'X', source: 'server' })];
    const metrics = computeCheckoutMetrics(days, events);
    expect(metrics.days.map(({ day, sessions, orders, revenue, purchaseSessions, cartAbandonmentRate }) => ({
      day, sessions, orders, revenue, purchaseSessions, cartAbandonmentRate,
    }))).toEqual([
      { day: '2024-05-01', sessions: 1, orders: 0, revenue: 0, purchaseSessions: 0, cartAbandonmentRate: 1 },
      { day: '2024-05-02', sessions: 0, orders: 1, revenue: 20, purchaseSessions: 0, cartAbandonmentRate: null },
    ]);
  });

  test('takes refunds off revenue on the order\'s day and shows the share of orders refunded', () => {
    const days = [
      { day: '2024-05-01', sessions: 4 },
      { day: '2024-05-02', sessions: 1 },
    ];
    const events = [
      purchase('a', '2024-05-01', 100, { orderId: 'A' }),
      purchase('b', '2024-05-01', 50, { orderId: 'B' }),
      purchase('c', '2024-05-01', 30, { orderId: 'C' }),
      purchase('d', '2024-05-01', 20, { orderId: 'D' }),
      // A partial refund of A a day later, and B refunded in full (no value): both count on 2024-05-01.
      refund(null, '2024-05-02', 25, { orderId: 'A' }),
      refund(null, '2024-05-02', undefined, { orderId: 'B' }),
    ];
    const metrics = computeCheckoutMetrics(days, events);
    expect(metrics.days).toEqual([
      expect.objectContaining({ day: '2024-05-01', orders: 4, revenue: 125, refunds: 2, refundedValue: 75, refundRate: 0.5 }),
      expect.objectContaining({ day: '2024-05-02', orders: 0, revenue: 0, refunds: 0, refundedValue: 0, refundRate: null }),
    ]);
    expect(metrics.totals).toMatchObject({ revenue: 125, averageOrderValue: 31.25, refunds: 2, refundedValue: 75, refundRate: 0.5 });
  });

  test.each([
    { value: 12.5, expected: 12.5 },
    { value: '7.25', expected: 7.25 },
    { value: '', expected: 0 },
    { value: 'free', expected: 0 },
    { value: null, expected: 0 },
    { value: Number.NaN, expected: 0 },
    { value: { amount: 3 }, expected: 0 },
  ])('reads a value of $value as $expected', ({ value, expected }) => {
    expect(moneyValue(value)).toBe(expected);
  });
});
