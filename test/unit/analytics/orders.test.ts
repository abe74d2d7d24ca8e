import { describe, expect, test } from 'vitest';
import { orderKey } from '../../../contract/money.ts';
import type { OrderEvent } from '../../../contract/rows.ts';
import { reconcileOrders } from '../../../server/analytics/orders.ts';

const DAY = '2024-05-01';

function event(kind: OrderEvent['kind'], source: OrderEvent['source'], ts: number, fields: Partial<OrderEvent> = {}): OrderEvent {
  return { kind, source, ts, sessionId: 's1', day: DAY, orderId: undefined, value: undefined, ...fields };
}
const browserPurchase = (ts: number, fields: Partial<OrderEvent> = {}) => event('purchase', 'browser', ts, fields);
const serverPurchase = (ts: number, fields: Partial<OrderEvent> = {}) => event('purchase', 'server', ts, fields);
const serverRefund = (ts: number, fields: Partial<OrderEvent> = {}) => event('refund', 'server', ts, fields);

describe('analytics | orders', () => {
  test.each([
    { arrival: 'browser first', events: [browserPurchase(1, { orderId: 'A', value: 40 }), serverPurchase(2, { orderId: 'A', value: 38 })] },
    { arrival: 'backend first', events: [serverPurchase(1, { orderId: 'A', value: 38 }), browserPurchase(2, { orderId: 'A', value: 40 })] },
    // Rows come from two queries, so the list need not be in time order.
    { arrival: 'listed out of order', events: [browserPurchase(2, { orderId: 'A', value: 40 }), serverPurchase(1, { orderId: 'A', value: 38 })] },
  ])('an order reported by the browser and the backend counts once at the backend value ($arrival)', ({ events }) => {
    expect(reconcileOrders(events).orders).toEqual([
      { orderId: 'A', sessionId: 's1', day: DAY, value: 38, refundedValue: 0, refunds: 0 },
    ]);
  });

  test('the order belongs to the browser report\'s session even when the backend attached its own elsewhere', () => {
    const events = [
      serverPurchase(1, { orderId: 'A', value: 38, sessionId: null, day: '2024-05-03' }),
      browserPurchase(2, { orderId: 'A', value: 40, sessionId: 'shopper', day: '2024-05-02' }),
    ];
    expect(reconcileOrders(events).orders).toMatchObject([{ sessionId: 'shopper', day: '2024-05-02', value: 38 }]);
  });

  test('a backend-only order without a session keeps no session and its own day', () => {
    const events = [serverPurchase(1, { orderId: 'A', value: 38, sessionId: null, day: '2024-05-03' })];
    expect(reconcileOrders(events).orders).toMatchObject([{ sessionId: null, day: '2024-05-03', value: 38 }]);
  });

  test('the same order tracked twice in the browser (a reloaded thank-you page) counts once, at the first value', () => {
    const events = [browserPurchase(1, { orderId: 7, value: 10 }), browserPurchase(2, { orderId: '7', value: 12 })];
    expect(reconcileOrders(events).orders).toMatchObject([{ orderId: '7', value: 10 }]);
  });

  test('purchases without an orderId are one order each', () => {
    const events = [browserPurchase(1, { value: 10 }), serverPurchase(2, { value: 10 }), browserPurchase(3, { orderId: '', value: 5 })];
    expect(reconcileOrders(events).orders.map((order) => [order.orderId, order.value])).toEqual([
      [null, 10],
      [null, 10],
      [null, 5],
    ]);
  });

  test.each([
    { refunds: [{ value: 15 }], refundedValue: 15, count: 1, why: 'a partial refund takes its value' },
    { refunds: [{ value: undefined }], refundedValue: 40, count: 1, why: 'a refund without a value takes the whole order' },
    { refunds: [{ value: 0 }], refundedValue: 40, count: 1, why: 'a refund of 0 takes the whole order' },
    { refunds: [{ value: 15 }, { value: 10 }], refundedValue: 25, count: 2, why: 'partial refunds add up' },
    { refunds: [{ value: 30 }, { value: 30 }], refundedValue: 40, count: 2, why: 'refunds never take more than was paid' },
    { refunds: [{ value: 30 }, { value: undefined }], refundedValue: 40, count: 2, why: 'a full refund after a partial one takes the rest' },
    { refunds: [{ value: '12.5' }], refundedValue: 12.5, count: 1, why: 'a numeric string is an amount' },
  ])('$why', ({ refunds, refundedValue, count }) => {
    const events = [
      browserPurchase(1, { orderId: 'A', value: 40 }),
      ...refunds.map((refund, index) => serverRefund(10 + index, { orderId: 'A', value: refund.value, sessionId: null })),
    ];
    const { orders, unmatchedRefunds } = reconcileOrders(events);
    expect(orders).toMatchObject([{ value: 40, refundedValue, refunds: count }]);
    expect(unmatchedRefunds).toEqual([]);
  });

  test('a refund that arrived before its order still applies to it', () => {
    const events = [serverRefund(1, { orderId: 'A', value: 5 }), serverPurchase(2, { orderId: 'A', value: 40 })];
    expect(reconcileOrders(events).orders).toMatchObject([{ refundedValue: 5, refunds: 1 }]);
  });

  test('a refund of an order not among the purchases stands alone on its own day', () => {
    const events = [
      browserPurchase(1, { orderId: 'A', value: 40 }),
      serverRefund(2, { orderId: 'OLD', value: 25, day: '2024-05-09' }),
      serverRefund(3, { value: 5, day: '2024-05-09' }),
      serverRefund(4, { orderId: 'OLD-2', value: -3, day: '2024-05-09' }),
    ];
    const { orders, unmatchedRefunds } = reconcileOrders(events);
    expect(orders).toMatchObject([{ orderId: 'A', refundedValue: 0 }]);
    expect(unmatchedRefunds).toEqual([
      { day: '2024-05-09', value: 25 },
      { day: '2024-05-09', value: 5 },
      { day: '2024-05-09', value: 0 },
    ]);
  });

  test.each([
    { orderId: 'A-1', expected: 'A-1' },
    { orderId: 1001, expected: '1001' },
    { orderId: '', expected: null },
    { orderId: Number.NaN, expected: null },
    { orderId: { id: 1 }, expected: null },
    { orderId: undefined, expected: null },
  ])('orderKey($orderId) is $expected', ({ orderId, expected }) => {
    expect(orderKey(orderId)).toBe(expected);
  });
});
