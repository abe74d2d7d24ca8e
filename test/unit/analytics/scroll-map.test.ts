import { describe, expect, test } from 'vitest';
import { scrollBands } from '../../../server/analytics/scroll-map.ts';

describe('analytics | scroll map bands', () => {
  test('gives the share of views that saw each band', () => {
    // Four views: the top quarter, exactly half, just past half, and the whole page.
    const bands = scrollBands(
      [
        { depth: 0.25, views: 1 },
        { depth: 0.5, views: 1 },
        { depth: 0.5001, views: 1 },
        { depth: 1, views: 1 },
      ],
      4,
    );
    expect(bands).toEqual([
      { from: 0, to: 0.25, views: 4, share: 1 },
      { from: 0.25, to: 0.5, views: 3, share: 0.75 },
      { from: 0.5, to: 0.75, views: 2, share: 0.5 },
      { from: 0.75, to: 1, views: 1, share: 0.25 },
    ]);
  });

  test.each([
    { depth: 0.05, band: 0 },
    { depth: 0.15000000000000002, band: 2 },
    { depth: 0.1 + 0.05, band: 2 },
    { depth: 0.051, band: 1 },
    { depth: 0, band: 0 },
    { depth: 1.4, band: 19 },
  ])('a view of depth $depth reaches band $band and no further (20 bands)', ({ depth, band }) => {
    const bands = scrollBands([{ depth, views: 1 }], 20);
    expect(bands.filter((b) => b.views === 1).length - 1).toBe(band);
  });

  test('answers zero shares without views', () => {
    expect(scrollBands([], 2)).toEqual([
      { from: 0, to: 0.5, views: 0, share: 0 },
      { from: 0.5, to: 1, views: 0, share: 0 },
    ]);
  });
});
