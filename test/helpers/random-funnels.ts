/**
 * Random funnels and the pieces of random shopping sessions, for the tests that compare the packed funnel with the
 * straightforward one: paths and patterns chosen to hit every matching rule (queries, fragments, trailing slashes,
 * `*`, `:id`, `**`, parts of segments, no match at all), and times on a coarse grid so that ties are common.
 */
import type { FunnelStep } from '../../contract/insights.ts';
import { randomInt } from '../../demo/shopper.ts';

export { randomInt, seededRandom } from '../../demo/shopper.ts';

export const PATHS = [
  '/',
  '/?utm_source=mail',
  '/#top',
  '/product/1',
  '/product/22/',
  '/product/abc?colour=red#reviews',
  '/product/7?next=/cart',
  '/cart',
  '/cart/',
  '/cart?step=2',
  '/checkout',
  '/checkout#pay',
  '/blog/2024/05/hello',
  '/p-red',
  '/about',
];
export const PATTERNS = ['/', '/product/*', '/product/:id', '/cart', '/checkout', '/blog/**', '/p-*', '/nowhere'];
export const EVENT_NAMES = ['add_to_cart', 'purchase', 'signup', 'view_item'];
/** Conversion windows, from tighter than the time grid to the default half hour. */
export const WINDOWS_MS = [1, 250, 1000, 5000, 30 * 60_000];
/** Entry times are whole multiples of this after a session's start. */
export const TIME_GRID_MS = 250;

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];

/** One to five steps, repeats allowed, pages and events mixed. */
export function randomSteps(random: () => number): FunnelStep[] {
  return Array.from({ length: randomInt(random, 1, 5) }, (): FunnelStep =>
    random() < 0.6 ? { type: 'page', pattern: pick(random, PATTERNS) } : { type: 'event', name: pick(random, EVENT_NAMES) },
  );
}
