import { describe, expect, test } from 'vitest';
import { abandonedCart, MAX_ITEM_TEXT } from '../../../server/analytics/cart-abandonment.ts';
import type { TrackedEvent } from '../../../contract/rows.ts';

const T0 = Date.UTC(2025, 2, 1, 12);
const track = (at: number, name: string, props: unknown, windowId = 'w1'): TrackedEvent => ({ windowId, ts: T0 + at, name, props });

describe('analytics | cart abandonment of one session', () => {
  test('an add_to_cart without a purchase is abandoned: value summed to cents, items in order, moment at the last add', () => {
    const cart = abandonedCart([
      track(1000, 'add_to_cart', { value: 19.99, name: 'Blue shirt', sku: 'SH-1', price: 19.99, quantity: 1 }),
      track(5000, 'add_to_cart', { value: '10.02', productId: 'p-7', quantity: 2, colour: 'red' }, 'w2'),
      track(3000, 'add_to_cart', { value: 0.1 }),
    ]);
    expect(cart).toEqual({
      value: 30.11,
      items: [
        { value: 19.99, name: 'Blue shirt', sku: 'SH-1', price: 19.99, quantity: 1 },
        { value: 0.1 },
        { value: '10.02', productId: 'p-7', quantity: 2 },
      ],
      lastAdd: { windowId: 'w2', ts: T0 + 5000 },
    });
  });

  test.each([
    ['a purchase after the add', [track(1000, 'add_to_cart', { value: 5 }), track(9000, 'purchase', { value: 5 })]],
    ['a purchase before the add', [track(1000, 'purchase', { value: 5 }), track(9000, 'add_to_cart', { value: 5 })]],
    ['no add at all', [track(1000, 'viewed', {})]],
    ['nothing tracked', []],
  ])('is not abandoned with %s', (_name, events) => {
    expect(abandonedCart(events)).toBeNull();
  });

  test('non-numeric values count 0, odd props are left out, long strings clipped', () => {
    const cart = abandonedCart([track(0, 'add_to_cart', { value: 'free', name: 'x'.repeat(500), price: Number.NaN, sku: { a: 1 } })]);
    expect(cart?.value).toBe(0);
    expect(cart?.items).toEqual([{ value: 'free', name: 'x'.repeat(MAX_ITEM_TEXT) }]);
    expect(abandonedCart([track(0, 'add_to_cart', null)])?.items).toEqual([{}]);
  });

  test('follows renamed cart and purchase events', () => {
    const events = [track(0, 'cart_add', { value: 3 }), track(10, 'add_to_cart', { value: 100 })];
    expect(abandonedCart(events, { cartEvent: 'cart_add' })?.value).toBe(3);
    expect(abandonedCart([...events, track(20, 'order', {})], { cartEvent: 'cart_add', purchaseEvent: 'order' })).toBeNull();
  });
});
