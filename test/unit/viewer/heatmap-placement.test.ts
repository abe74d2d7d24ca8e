import { describe, expect, test } from 'vitest';
import type { HeatmapElement } from '../../../contract/insights.ts';
import {
  fallbackNote,
  locatorFor,
  maxValue,
  placePoints,
  type DocRect,
  type LocatableDocument,
} from '../../../viewer/src/lib/heatmap-placement.ts';

const element = (selector: string, fields: Partial<HeatmapElement> = {}): HeatmapElement => ({
  selector,
  count: 0,
  share: 0,
  cells: [],
  pageCells: [],
  ...fields,
});

const grid = { elementGrid: 20, pageCellPx: 20, documentWidth: 1000, documentHeight: 3000 };

describe('viewer | heatmap placement', () => {
  test('places element cells at their bucket centre inside the element box found by selector', () => {
    const boxes: Record<string, DocRect> = { '#buy': { left: 100, top: 500, width: 200, height: 40 } };
    const placement = placePoints(
      [element('#buy', { count: 3, cells: [{ cx: 0, cy: 0, count: 1 }, { cx: 10, cy: 19, count: 2 }] })],
      { ...grid, locate: (selector) => boxes[selector] ?? null },
    );
    // (0 + 0.5) / 20 of 200 px = 5 px; (10 + 0.5) / 20 * 200 = 105; (19 + 0.5) / 20 * 40 = 39.
    expect(placement.points).toEqual([
      { x: 105, y: 501, value: 1 },
      { x: 205, y: 539, value: 2 },
    ]);
    expect({ byElement: placement.byElement, byPage: placement.byPage, total: placement.total }).toEqual({
      byElement: 3,
      byPage: 0,
      total: 3,
    });
    expect(fallbackNote(placement, 'clicks')).toBeNull();
  });

  test('follows the element when the layout moves it: the point stays on the same part of the button', () => {
    const cells = [{ cx: 5, cy: 10, count: 4 }];
    const wide = placePoints([element('#buy', { count: 4, cells })], {
      ...grid,
      locate: () => ({ left: 800, top: 300, width: 200, height: 40 }),
    });
    const narrow = placePoints([element('#buy', { count: 4, cells })], {
      ...grid,
      documentWidth: 390,
      locate: () => ({ left: 20, top: 1200, width: 350, height: 48 }),
    });
    expect(wide.points).toEqual([{ x: 855, y: 321, value: 4 }]);
    expect(narrow.points).toEqual([{ x: 116, y: 1225, value: 4 }]);
  });

  test('falls back to page cells, x scaled to the current document width, when the element is missing', () => {
    const placement = placePoints(
      [
        element('#gone', {
          count: 3,
          cells: [{ cx: 10, cy: 10, count: 3 }],
          pageCells: [
            { documentWidth: 2000, cx: 10, cy: 5, count: 2 },
            { documentWidth: 500, cx: 0, cy: 0, count: 1 },
          ],
        }),
        element('#here', { count: 1, cells: [{ cx: 10, cy: 10, count: 1 }] }),
      ],
      { ...grid, locate: (selector) => (selector === '#here' ? { left: 0, top: 0, width: 20, height: 20 } : null) },
    );
    // 10.5 cells × 20 px = 210 px at 2000 wide → 105 at 1000; y 5.5 × 20 = 110 unscaled. 10 px at 500 → 20 at 1000.
    expect(placement.points).toEqual([
      { x: 105, y: 110, value: 2 },
      { x: 20, y: 10, value: 1 },
      { x: 11, y: 11, value: 1 },
    ]);
    expect(placement.missing).toEqual(['#gone']);
    expect({ byElement: placement.byElement, byPage: placement.byPage }).toEqual({ byElement: 1, byPage: 3 });
    expect(fallbackNote(placement, 'clicks')).toBe('3 of 4 clicks placed by page position: their element is gone');
  });

  test('places mouse moves (no selector) by page position without calling them missing', () => {
    let asked = 0;
    const placement = placePoints(
      [element('', { count: 2, pageCells: [{ documentWidth: 1000, cx: 1, cy: 1, count: 2 }] })],
      { ...grid, locate: () => (asked++, null) },
    );
    expect(asked).toBe(0);
    expect(placement.points).toEqual([{ x: 30, y: 30, value: 2 }]);
    expect(placement.missing).toEqual([]);
    expect(fallbackNote(placement, 'mouse positions')).toBeNull();
  });

  test('merges points landing on one pixel and clamps points outside the document to its edge', () => {
    const placement = placePoints(
      [
        element('#a', { pageCells: [{ documentWidth: 1000, cx: 2, cy: 400, count: 2 }] }),
        element('#b', { pageCells: [{ documentWidth: 1000, cx: 2, cy: 500, count: 3 }, { documentWidth: 1000, cx: 60, cy: 0, count: 1 }] }),
      ],
      { ...grid, documentHeight: 2000, locate: () => null },
    );
    expect(placement.points).toEqual([
      { x: 50, y: 1999, value: 5 },
      { x: 999, y: 10, value: 1 },
    ]);
    expect(maxValue(placement.points)).toBe(5);
    expect(maxValue([])).toBe(0);
  });
});

describe('viewer | heatmap element locator', () => {
  const doc = (found: Record<string, DocRect>, scroll = { scrollX: 0, scrollY: 0 }): LocatableDocument => ({
    querySelector(selector) {
      if (selector.startsWith('!')) throw new SyntaxError('not a selector');
      const box = found[selector];
      return box ? { getBoundingClientRect: () => box } : null;
    },
    defaultView: scroll,
  });

  test('gives the element box in document coordinates, adding the scroll offset', () => {
    const locate = locatorFor(doc({ '#buy': { left: 10, top: -50, width: 80, height: 30 } }, { scrollX: 5, scrollY: 400 }));
    expect(locate('#buy')).toEqual({ left: 15, top: 350, width: 80, height: 30 });
  });

  test.each([
    { selector: '#missing', why: 'not in the document' },
    { selector: '#hidden', why: 'an empty box (display: none)' },
    { selector: '!bad[', why: 'an invalid selector' },
  ])('reports $why as missing', ({ selector }) => {
    const locate = locatorFor(doc({ '#hidden': { left: 0, top: 0, width: 0, height: 0 } }));
    expect(locate(selector)).toBeNull();
  });
});
