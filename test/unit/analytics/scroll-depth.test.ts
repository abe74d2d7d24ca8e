import { describe, expect, test } from 'vitest';
import { scrollDepthByPageView } from '../../../server/analytics/scroll-depth.ts';
import { T0, fullSnapshot, meta, scroll, slClick, slPage, viewportResize } from './factories.ts';

describe('analytics | scroll depth', () => {
  test('deepest viewport bottom over the tallest reported document height, per page view', () => {
    const depths = scrollDepthByPageView([
      meta(0, 'https://shop.test/product/1', 1280, 800),
      fullSnapshot(10),
      scroll(1000, 700),
      scroll(2000, 1200),
      scroll(3000, 300),
      slClick(3500, { dh: 3600 }),
      slClick(3600, { dh: 4000 }),
      slPage(5000, 'https://shop.test/cart'),
      scroll(6000, 100),
    ]);
    expect(depths).toEqual([
      {
        url: 'https://shop.test/product/1',
        startTs: T0,
        maxScrollY: 1200,
        maxSeenBottom: 2000,
        documentHeight: 4000,
        depth: 0.5,
      },
      // No sl:click on the cart page: rrweb never records the document height, so depth is unknown.
      {
        url: 'https://shop.test/cart',
        startTs: T0 + 5000,
        maxScrollY: 100,
        maxSeenBottom: 900,
        documentHeight: null,
        depth: null,
      },
    ]);
  });

  test('a page never scrolled has seen its first screen', () => {
    const [view] = scrollDepthByPageView([meta(0, '/', 1280, 800), slClick(100, { dh: 3200 })]);
    expect(view.depth).toBe(0.25);
  });

  test('scrolls inside elements do not count, the document id comes from the full snapshot', () => {
    const [view] = scrollDepthByPageView([
      meta(0, '/', 1280, 1000),
      fullSnapshot(10, [], 100),
      scroll(1000, 5000, 42),
      scroll(1100, 1000, 1),
      scroll(1200, 500, 100),
      slClick(1300, { dh: 5000 }),
    ]);
    expect(view).toMatchObject({ maxScrollY: 500, maxSeenBottom: 1500, depth: 0.3 });
  });

  test('the initial scroll offset of a restored page counts', () => {
    const restored = [meta(0, '/', 1280, 1000), fullSnapshot(10, [], 1, 1500), slClick(100, { dh: 5000 })];
    const [view] = scrollDepthByPageView(restored);
    expect(view).toMatchObject({ maxScrollY: 1500, depth: 0.5 });
  });

  test('viewport resizes change the seen bottom, depth is capped at 1', () => {
    const [view] = scrollDepthByPageView([
      meta(0, '/', 1280, 800),
      viewportResize(500, 1280, 1400),
      scroll(1000, 900),
      slClick(1100, { dh: 2000, vh: 1400 }),
    ]);
    expect(view).toMatchObject({ maxSeenBottom: 2300, depth: 1 });
  });

  test('the viewport height carries into the next page view; the same URL again continues the view', () => {
    const depths = scrollDepthByPageView([
      meta(0, 'https://shop.test/', 1280, 700),
      slPage(10, 'https://shop.test/'),
      slPage(1000, 'https://shop.test/shoes'),
      slClick(1100, { dh: 1400, vh: 0 }),
    ]);
    expect(depths.map(({ url, depth }) => ({ url, depth }))).toEqual([
      { url: 'https://shop.test/', depth: null },
      { url: 'https://shop.test/shoes', depth: 0.5 },
    ]);
  });

  test('no events, no page views', () => {
    expect(scrollDepthByPageView([])).toEqual([]);
  });
});
