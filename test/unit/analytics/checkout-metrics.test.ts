import { describe, expect, test } from 'vitest';
import { computeCheckoutMetrics, moneyValue, type CheckoutEvent } from '../../../server/analytics/checkout-metrics.ts';

const cart = (sessionId: string, day: string, value: unknown): CheckoutEvent => ({ sessionId, day, name: 'add_to_cart', value });
const purchase = (sessionId: string, day: string, value: unknown): CheckoutEvent => ({ sessionId, day, name: 'purchase', value });

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
      { sessionId: 'd', day: '2024-05-01', name: 'checkout_start', value: 99 },
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
    const events = [{ sessionId: 'a', day: '2024-05-01', name: 'order', value: 5 }];
    const metrics = computeCheckoutMetrics([{ day: '2024-05-01', sessions: 1 }], events, { purchaseEvent: 'order' });
    expect(metrics.totals).toMatchObject({ purchaseSessions: 1, revenue: 5 });
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
