/**
 * Whether a finished session abandoned its cart, and what was in it: the rule of checkout-metrics.ts for one
 * session (an add_to_cart and no purchase), with the cart's value and items for a recovery message.
 *
 * - value: the sum of add_to_cart `value` (money rules of checkout-metrics: numbers or numeric strings, else 0),
 *   rounded to cents.
 * - items: one per add_to_cart, in time order, with those of `name`, `sku`, `productId`, `price`, `quantity`,
 *   `currency` and `value` that the event carried as a string or a finite number (strings clipped).
 * - the moment: the last add_to_cart, where a replay of the abandonment is best started.
 */
import { moneyValue } from '../../contract/money.ts';
import { defaultCheckoutOptions } from './checkout-metrics.ts';
import type { CheckoutOptions, TrackedEvent } from '../../contract/rows.ts';

export type CartItem = Partial<Record<(typeof ITEM_FIELDS)[number], string | number>>;

export interface AbandonedCart {
  value: number;
  items: CartItem[];
  /** The last add_to_cart: its window and time (ms since epoch). */
  lastAdd: { windowId: string; ts: number };
}

/** The add_to_cart props copied into an item, when present. */
export const ITEM_FIELDS = ['name', 'sku', 'productId', 'price', 'quantity', 'currency', 'value'] as const;
/** Longest string copied from a prop: a payload is a message, not a dump of what the page sent. */
export const MAX_ITEM_TEXT = 200;
/** Items listed at most; `value` still sums every add_to_cart. */
export const MAX_ITEMS = 50;

function itemOf(props: unknown): CartItem {
  const item: CartItem = {};
  if (typeof props !== 'object' || props === null) return item;
  for (const field of ITEM_FIELDS) {
    const value = (props as Record<string, unknown>)[field];
    if (typeof value === 'string') item[field] = value.slice(0, MAX_ITEM_TEXT);
    else if (typeof value === 'number' && Number.isFinite(value)) item[field] = value;
  }
  return item;
}

/** The abandoned cart of one session's tracked events, or null when it put nothing in the cart or bought. */
export function abandonedCart(events: readonly TrackedEvent[], options: Partial<CheckoutOptions> = {}): AbandonedCart | null {
  const { cartEvent, purchaseEvent } = { ...defaultCheckoutOptions, ...options };
  if (events.some((event) => event.name === purchaseEvent)) return null;
  const adds = events.filter((event) => event.name === cartEvent).sort((a, b) => a.ts - b.ts);
  const last = adds.at(-1);
  if (!last) return null;
  const total = adds.reduce((sum, event) => sum + moneyValue((event.props as { value?: unknown } | null)?.value), 0);
  return {
    value: Math.round(total * 100) / 100,
    items: adds.slice(0, MAX_ITEMS).map((event) => itemOf(event.props)),
    lastAdd: { windowId: last.windowId, ts: last.ts },
  };
}
