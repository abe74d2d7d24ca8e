import { describe, expect, test } from 'vitest';
import { MAX_ELEMENT_LABEL_CHARS, MAX_SELECTOR_CHARS } from '../../../../server/ingest/derive-rows.ts';
import { findSignals } from '../../../../server/ingest/derive-signals.ts';
import { meta, mutation, slClick, slError, T0 } from '../../analytics/factories.ts';

describe('ingest | signal findings', () => {
  test('turns rage, dead and error clicks into findings with their figures', () => {
    const events = [
      meta(0, 'https://shop.test/'),
      slClick(100, { selector: '#promo' }),
      slClick(300, { selector: '#promo' }),
      slClick(500, { selector: '#promo' }),
      mutation(600),
      slClick(3000, { selector: '#banner', tag: 'div', x: 600, y: 90 }),
      slClick(6000, { selector: '#pay' }),
      mutation(6050),
      slError(6100, 'TypeError: total is undefined'),
      slError(6200, 'TypeError: again'),
      mutation(9000),
    ];
    expect(findSignals(events).map(({ kind, ts, selector, count, details }) => ({ kind, at: ts - T0, selector, count, details }))).toEqual([
      { kind: 'rage', at: 100, selector: '#promo', count: 3, details: { lastTs: T0 + 500, deadClicks: 0 } },
      { kind: 'dead', at: 3000, selector: '#banner', count: 1, details: { tag: 'div' } },
      {
        kind: 'error',
        at: 6000,
        selector: '#pay',
        count: 2,
        details: { tag: 'button', errorTs: T0 + 6100, message: 'TypeError: total is undefined' },
      },
    ]);
  });

  test('clips selectors as stored clicks are clipped, so a signal finds its click', () => {
    const long = `#${'x'.repeat(2000)}`;
    const events = [meta(0, 'https://shop.test/'), slClick(1000, { selector: long, tag: 'div' }), mutation(5000)];
    const [dead] = findSignals(events);
    expect(dead.selector).toBe(long.slice(0, MAX_SELECTOR_CHARS));
  });

  test('keeps the label of the clicked element, clipped as stored clicks clip it', () => {
    const long = `"${'y'.repeat(500)}" button`;
    const events = [
      meta(0, 'https://shop.test/'),
      slClick(1000, { selector: '#a', label: '"Apply" button' }),
      slClick(3000, { selector: '#b', label: long }),
      slClick(5000, { selector: '#c' }), // a recorder without labels
      mutation(9000),
    ];
    expect(findSignals(events).map(({ selector, label }) => [selector, label])).toEqual([
      ['#a', '"Apply" button'],
      ['#b', long.slice(0, MAX_ELEMENT_LABEL_CHARS)],
      ['#c', ''],
    ]);
  });
});
