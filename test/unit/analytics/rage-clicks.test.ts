import { describe, expect, test } from 'vitest';
import { detectRageClicks } from '../../../server/analytics/rage-clicks.ts';
import { resolveThresholds } from '../../../server/analytics/thresholds.ts';
import type { ClickPayload, RecordedEvent } from '../../../contract/protocol.ts';
import { T0, fullSnapshot, rrwebClick, slClick } from './factories.ts';

/** Clicks at the given offsets (ms), all on one target unless `target` says otherwise. */
function clicksAt(offsets: number[], target: Partial<ClickPayload> = {}): RecordedEvent[] {
  return offsets.map((at) => slClick(at, target));
}

describe('analytics | rage clicks', () => {
  test.each([
    { clicks: 2, expected: 0 },
    { clicks: 3, expected: 1 },
    { clicks: 4, expected: 1 },
  ])('$clicks clicks within 300 ms on a button → $expected finding(s)', ({ clicks, expected }) => {
    const offsets = Array.from({ length: clicks }, (_, i) => i * 100);
    expect(detectRageClicks(clicksAt(offsets))).toHaveLength(expected);
  });

  test.each([
    { third: 999, expected: 1 },
    { third: 1000, expected: 1 },
    { third: 1001, expected: 0 },
  ])('third click $third ms after the first → $expected finding(s)', ({ third, expected }) => {
    expect(detectRageClicks(clicksAt([0, 500, third]))).toHaveLength(expected);
  });

  test.each([
    { dx: 29, dy: 0, expected: 1 },
    { dx: 30, dy: 0, expected: 1 },
    { dx: 31, dy: 0, expected: 0 },
    { dx: 20, dy: 21, expected: 1 }, // 29.0 px diagonally
    { dx: 22, dy: 22, expected: 0 }, // 31.1 px diagonally
  ])('third click $dx,$dy px from the first → $expected finding(s)', ({ dx, dy, expected }) => {
    const events = [slClick(0), slClick(100), slClick(200, { x: 100 + dx, y: 200 + dy })];
    expect(detectRageClicks(events)).toHaveLength(expected);
  });

  test('reports the burst once, at its first click, with every click of the hammering counted', () => {
    // 12 clicks 400 ms apart: each follows the last within the window, so it stays one burst for 4.4 s.
    const events = clicksAt(Array.from({ length: 12 }, (_, i) => i * 400), { x: 640, y: 90, selector: '#pay' });
    expect(detectRageClicks(events)).toEqual([
      { selector: '#pay', label: '', count: 12, ts: T0, lastTs: T0 + 4400, deadClicks: 0, x: 640, y: 90 },
    ]);
  });

  test('two bursts separated by a pause are two findings', () => {
    const events = [...clicksAt([0, 100, 200]), ...clicksAt([5000, 5100, 5200, 5300])];
    expect(detectRageClicks(events).map(({ ts, count }) => ({ at: ts - T0, count }))).toEqual([
      { at: 0, count: 3 },
      { at: 5000, count: 4 },
    ]);
  });

  test('a click elsewhere interrupts the burst', () => {
    const events = [slClick(0), slClick(100), slClick(200, { x: 700, y: 500, selector: '#menu' }), slClick(300)];
    expect(detectRageClicks(events)).toEqual([]);
  });

  test('slow clicks (every 600 ms) never put 3 within one second', () => {
    expect(detectRageClicks(clicksAt([0, 600, 1200, 1800, 2400]))).toEqual([]);
  });

  test('a burst may start at a later click than the first in the spot', () => {
    // 0 stands alone (the next click is 1.5 s later); 1500, 1600, 1700 are the burst.
    const found = detectRageClicks(clicksAt([0, 1500, 1600, 1700]));
    expect(found.map(({ ts, count }) => ({ at: ts - T0, count }))).toEqual([{ at: 1500, count: 3 }]);
  });

  test('events out of order are put in time order first', () => {
    expect(detectRageClicks([slClick(200), slClick(0), slClick(100)])).toHaveLength(1);
  });

  describe('targets clicked repeatedly on purpose are not rage clicks', () => {
    test.each([
      { case: 'number input', selector: 'input[type="number"]', tag: 'input' },
      { case: 'button in a [data-sl-stepper]', selector: 'div[data-sl-stepper] > button:nth-of-type(2)', tag: 'button' },
      { case: 'button named increment', selector: '#qty-increment', tag: 'button' },
      { case: 'button with class decrement', selector: 'form.cart button.decrement', tag: 'button' },
      { case: 'camelCase plus button', selector: '#qtyPlus', tag: 'button' },
      { case: 'aria-labelled increase', selector: 'button[aria-label="Increase quantity"]', tag: 'button' },
      { case: 'text field', selector: '#email', tag: 'input' },
      { case: 'select', selector: '#country', tag: 'select' },
      { case: 'textarea', selector: '#note', tag: 'textarea' },
      { case: 'checkbox', selector: 'input[type=checkbox]#gift', tag: 'input' },
      { case: 'video', selector: '#product-video', tag: 'video' },
      { case: 'canvas', selector: '#configurator', tag: 'canvas' },
    ])('$case ($selector)', ({ selector, tag }) => {
      expect(detectRageClicks(clicksAt([0, 100, 200, 300, 400], { selector, tag }))).toEqual([]);
    });

    test.each([
      { case: 'add to cart button', selector: '#add-to-cart', tag: 'button' },
      { case: 'link whose name only contains "inc"', selector: 'a.incoming-orders', tag: 'a' },
      { case: 'icon inside a button', selector: '#checkout > i', tag: 'i' },
      { case: 'submit input', selector: 'input[type="submit"]', tag: 'input' },
      { case: 'image', selector: '.gallery img', tag: 'img' },
    ])('but a $case is', ({ selector, tag }) => {
      expect(detectRageClicks(clicksAt([0, 100, 200], { selector, tag }))).toHaveLength(1);
    });
  });

  describe('triple-click text selection', () => {
    test.each([
      { case: 'paragraph', selector: 'main > p:nth-of-type(2)', tag: 'p' },
      { case: 'heading', selector: 'h1', tag: 'h1' },
      { case: 'list item', selector: 'ul > li:nth-of-type(3)', tag: 'li' },
      { case: 'table cell', selector: 'td', tag: 'td' },
      { case: 'span', selector: '.price > span', tag: 'span' },
    ])('3 quick clicks on a $case are selection, not rage', ({ selector, tag }) => {
      expect(detectRageClicks(clicksAt([0, 150, 300], { selector, tag }))).toEqual([]);
    });

    test.each([
      { case: '4 quick clicks on a paragraph', offsets: [0, 150, 300, 450], selector: 'p', tag: 'p' },
      { case: '3 clicks on a paragraph with a 600 ms gap', offsets: [0, 600, 800], selector: 'p', tag: 'p' },
      { case: '3 quick clicks on a div', offsets: [0, 150, 300], selector: '#banner', tag: 'div' },
      { case: '3 quick clicks on a button label', offsets: [0, 150, 300], selector: 'button.buy > span', tag: 'span' },
      { case: '3 quick clicks on a link text', offsets: [0, 150, 300], selector: 'nav a[href] > strong', tag: 'strong' },
    ])('$case are rage', ({ offsets, selector, tag }) => {
      expect(detectRageClicks(clicksAt(offsets, { selector, tag }))).toHaveLength(1);
    });

    test('3 quick clicks on neighbouring text elements are not one selection', () => {
      const events = [
        slClick(0, { selector: 'p > span:nth-of-type(1)', tag: 'span' }),
        slClick(150, { selector: 'p > span:nth-of-type(2)', tag: 'span', x: 110 }),
        slClick(300, { selector: 'p > span:nth-of-type(1)', tag: 'span' }),
      ];
      expect(detectRageClicks(events)).toHaveLength(1);
    });

    test('the gap limit follows multiClickGapMs', () => {
      const events = clicksAt([0, 600, 800], { selector: 'p', tag: 'p' });
      expect(detectRageClicks(events, resolveThresholds({ multiClickGapMs: 700 }))).toEqual([]);
    });
  });

  test('thresholds are taken from the argument', () => {
    const events = clicksAt([0, 100, 200]);
    expect(detectRageClicks(events, resolveThresholds({ rageClickMinCount: 4 }))).toEqual([]);
    expect(detectRageClicks(clicksAt([0, 1400, 1500]), resolveThresholds({ rageClickWindowMs: 1500 }))).toHaveLength(1);
  });

  describe('rrweb fallback (no sl:click in the window)', () => {
    test('rrweb clicks with x/y are used, the target named from the full snapshot', () => {
      const events = [
        fullSnapshot(0, [[29, 'div', { id: 'counter' }]]),
        rrwebClick(1000, 29, 760, 414),
        rrwebClick(1200, 29, 760, 414),
        rrwebClick(1400, 29, 762, 415),
      ];
      expect(detectRageClicks(events)).toEqual([
        { selector: 'div#counter', label: '', count: 3, ts: T0 + 1000, lastTs: T0 + 1400, deadClicks: 0, x: 760, y: 414 },
      ]);
    });

    test('exclusions apply to the tag from the snapshot', () => {
      const events = [
        fullSnapshot(0, [[30, 'input', { type: 'number', class: 'qty' }]]),
        ...[1000, 1100, 1200].map((at) => rrwebClick(at, 30)),
      ];
      expect(detectRageClicks(events)).toEqual([]);
    });

    test('rrweb clicks are ignored when the window has sl:click (they are the same clicks)', () => {
      const events = [rrwebClick(0, 29), rrwebClick(100, 29), rrwebClick(200, 29), slClick(5000)];
      expect(detectRageClicks(events)).toEqual([]);
    });
  });
});
