import { describe, expect, test } from 'vitest';
import { matchesPagePattern } from '../../../server/analytics/page-key.ts';
import {
  DEFAULT_FUNNEL_WINDOW_MS,
  checkoutPreset,
  decodeStep,
  droppedSessionsHref,
  encodeStep,
  formatPercent,
  formatSpan,
  funnelFromQuery,
  funnelToQuery,
  scopeFromQuery,
  scopeToApi,
  scopeToQuery,
} from '../../../viewer/src/lib/reports-api.ts';

describe('viewer | report scope in the hash query', () => {
  test('reads from, to and device, ignoring malformed values', () => {
    expect(scopeFromQuery(new URLSearchParams('from=2024-07-01&to=2024-07-03&device=tablet'))).toEqual({
      from: '2024-07-01',
      to: '2024-07-03',
      device: 'tablet',
    });
    expect(scopeFromQuery(new URLSearchParams('from=yesterday&device=watch'))).toEqual({ from: '', to: '', device: '' });
  });

  test('writes only set fields and keeps the other keys of the query', () => {
    const query = scopeToQuery({ from: '2024-07-01', to: '', device: '' }, new URLSearchParams('funnel=3&to=2024-01-01'));
    expect(query.toString()).toBe('funnel=3&from=2024-07-01');
  });

  test('gives the API local-day bounds, `to` through the end of its day', () => {
    const api = scopeToApi({ from: '2024-07-01', to: '2024-07-01', device: 'mobile' });
    expect(api).toEqual({ from: new Date(2024, 6, 1).getTime(), to: new Date(2024, 6, 2).getTime() - 1, device: 'mobile' });
    expect(scopeToApi({ from: '', to: '', device: '' })).toEqual({});
  });
});

describe('viewer | funnel steps in the hash query', () => {
  test.each([
    ['page:/product/*', { type: 'page', pattern: '/product/*' }],
    ['event:add_to_cart', { type: 'event', name: 'add_to_cart' }],
    ['event:  purchase ', { type: 'event', name: 'purchase' }],
    ['page:product', null],
    ['event:', null],
    ['pattern', null],
    ['link:/x', null],
  ])('decodes %j', (text, step) => {
    expect(decodeStep(text)).toEqual(step);
  });

  test('steps and window survive a round trip; the default window is left out', () => {
    const selection = { savedId: null, steps: [...checkoutPreset], windowMs: 45 * 60_000 };
    const query = funnelToQuery(selection, { from: '', to: '', device: 'desktop' });
    expect(query.getAll('step')).toEqual(checkoutPreset.map(encodeStep));
    expect(query.get('window')).toBe('45');
    expect(funnelFromQuery(query)).toEqual(selection);
    expect(funnelToQuery({ ...selection, windowMs: DEFAULT_FUNNEL_WINDOW_MS }, scopeFromQuery(query)).has('window')).toBe(false);
  });

  test('a saved funnel is written as its id alone', () => {
    const query = funnelToQuery({ savedId: 7, steps: [...checkoutPreset], windowMs: 60_000 }, { from: '', to: '', device: '' });
    expect(query.toString()).toBe('funnel=7');
    expect(funnelFromQuery(query)).toEqual({ savedId: 7, steps: [], windowMs: DEFAULT_FUNNEL_WINDOW_MS });
  });

  test('the drop-off link filters the sessions list by saved funnel, step and scope', () => {
    expect(droppedSessionsHref(4, 2, { from: '2024-07-01', to: '', device: '' })).toBe(
      '#/?funnel=4&droppedAtStep=2&from=2024-07-01',
    );
  });
});

describe('viewer | the demo checkout preset', () => {
  const pages = checkoutPreset.flatMap((step) => (step.type === 'page' ? [step.pattern] : []));

  test('its page steps match the demo store URLs a shopper visits, and only those', () => {
    const base = 'http://127.0.0.1:8787';
    expect(matchesPagePattern(`${base}/demo/`, pages[0])).toBe(true);
    expect(matchesPagePattern(`${base}/demo/product.html?id=3`, pages[1])).toBe(true);
    expect(matchesPagePattern(`${base}/demo/cart.html`, pages[2])).toBe(true);
    expect(matchesPagePattern(`${base}/demo/product.html`, pages[0])).toBe(false);
  });

  test('ends with the checkout_start and purchase events the store tracks', () => {
    expect(checkoutPreset.slice(3)).toEqual([
      { type: 'event', name: 'checkout_start' },
      { type: 'event', name: 'purchase' },
    ]);
  });
});

describe('viewer | report number formats', () => {
  test.each([
    [null, '–'],
    [0, '0%'],
    [0.045, '4.5%'],
    [1 / 3, '33%'],
    [1, '100%'],
  ])('formatPercent(%j) is %j', (ratio, text) => {
    expect(formatPercent(ratio)).toBe(text);
  });

  test.each([
    [null, '–'],
    [850, '850 ms'],
    [12_400, '12 s'],
    [185_000, '3 min 5 s'],
    [7_440_000, '2 h 4 min'],
  ])('formatSpan(%j) is %j', (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});
