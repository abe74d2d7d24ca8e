import { describe, expect, test } from 'vitest';
import { scrollDepthByPageView } from '../../../../server/analytics/scroll-depth.ts';
import { deriveChunkRows } from '../../../../server/ingest/derive-rows.ts';
import type { RecordedEvent } from '../../../../contract/protocol.ts';
import type { DerivedChunk, WindowCarry } from '../../../../server/storage/derived-model.ts';
import {
  fullSnapshot,
  meta,
  mouseMove,
  scroll,
  slClick,
  slField,
  slPage,
  slSubmit,
  T0,
  viewportResize,
} from '../../analytics/factories.ts';

const HOME = 'https://shop.test/';
const PRODUCT = 'https://shop.test/product/42';
const DAY = Math.floor(T0 / 86_400_000);

const pageLoad = (at: number, url: string, width = 1280, height = 800): RecordedEvent[] => [
  meta(at, url, width, height),
  fullSnapshot(at + 1),
  slPage(at + 2, url),
];

/** Derives chunk after chunk, carrying the state like the store does. */
function deriveAll(chunks: RecordedEvent[][], options = {}): DerivedChunk[] {
  let carry: WindowCarry | null = null;
  return chunks.map((events) => {
    const derived = deriveChunkRows(events, carry, options);
    carry = derived.carry;
    return derived;
  });
}

describe('ingest | derive rows from a chunk', () => {
  test('a first chunk opens a page view with its viewport, snapshot, depth, clicks and form events', () => {
    const [chunk] = deriveAll([
      [
        ...pageLoad(0, PRODUCT),
        scroll(500, 1200),
        slClick(600, { selector: '#buy', ox: 0.25, oy: 0.75, x: 300, y: 1500, dh: 4000 }),
        slField(700, 'focus', '#email'),
        slField(800, 'change', '#email'),
        slSubmit(900),
      ],
    ]);
    expect(chunk.views).toEqual([
      {
        continues: false,
        url: PRODUCT,
        pageKey: '/product/:id',
        ts: T0,
        lastTs: T0 + 900,
        device: 'desktop',
        viewportWidth: 1280,
        viewportHeight: 800,
        maxSeenBottom: 2000,
        documentHeight: 4000,
        snapshotTs: T0 + 1,
      },
    ]);
    expect(chunk.clicks).toEqual([
      {
        view: 0,
        ts: T0 + 600,
        selector: '#buy',
        tag: 'button',
        label: '',
        ox: 0.25,
        oy: 0.75,
        x: 300,
        y: 1500,
        vw: 1280,
        vh: 800,
        dw: 1280,
        dh: 4000,
        device: 'desktop',
      },
    ]);
    expect(chunk.formEvents.map(({ view, ts, action, form, field }) => [view, ts - T0, action, form, field])).toEqual([
      [0, 700, 'focus', '#checkout', '#email'],
      [0, 800, 'change', '#checkout', '#email'],
      [0, 900, 'submit', '#checkout', ''],
    ]);
    expect(chunk.carry).toEqual({
      url: PRODUCT,
      viewportWidth: 1280,
      viewportHeight: 800,
      scrollX: 0,
      scrollY: 1200,
      documentNodeId: 1,
      movePositions: 0,
      lastTs: T0 + 900,
    });
  });

  test('a chunk without a navigation continues the carried view and its scroll position', () => {
    const [, second] = deriveAll(
      [
        [...pageLoad(0, HOME), scroll(100, 500)],
        [mouseMove(2000, 10, 20), slClick(2100, { x: 10, y: 520, dh: 3000 })],
      ],
      { moveSampleEvery: 1 },
    );
    expect(second.views).toHaveLength(1);
    expect(second.views[0]).toMatchObject({ continues: true, url: HOME, pageKey: '/', lastTs: T0 + 2100, snapshotTs: null });
    expect(second.views[0].maxSeenBottom).toBe(1300);
    // The move at viewport (10, 20) was at page (10, 520): scrolled 500 px in the chunk before.
    expect(second.moves).toEqual([{ view: 0, device: 'desktop', day: DAY, documentWidth: 1280, cx: 0, cy: 26, count: 1 }]);
    expect(second.clicks[0].view).toBe(0);
  });

  test('a navigation to another URL opens a new view at the top, and the carried view keeps what came before it', () => {
    const [, second] = deriveAll([[...pageLoad(0, HOME), scroll(100, 900)], [mouseMove(1000), ...pageLoad(2000, PRODUCT)]]);
    expect(second.views.map(({ continues, url, ts }) => ({ continues, url, at: ts - T0 }))).toEqual([
      { continues: true, url: HOME, at: 1000 },
      { continues: false, url: PRODUCT, at: 2000 },
    ]);
    expect(second.carry).toMatchObject({ url: PRODUCT, scrollY: 0 });
    expect(second.views[1].maxSeenBottom).toBe(800);
  });

  test('a chunk that starts with a navigation leaves the carried view out', () => {
    const [, second] = deriveAll([[...pageLoad(0, HOME)], [...pageLoad(2000, PRODUCT), slClick(2500)]]);
    expect(second.views.map((view) => [view.continues, view.url])).toEqual([[false, PRODUCT]]);
    expect(second.clicks[0].view).toBe(0);
  });

  test('a reload of the same URL continues the view, like splitPageViews', () => {
    const [chunk] = deriveAll([[...pageLoad(0, HOME), ...pageLoad(5000, HOME)]]);
    expect(chunk.views).toHaveLength(1);
    expect(chunk.views[0].snapshotTs).toBe(T0 + 1);
  });

  test('events before the first navigation of a window belong to the page it names', () => {
    const early: RecordedEvent = { type: 0, data: {}, timestamp: T0 - 5 };
    const [chunk] = deriveAll([[early, ...pageLoad(0, HOME)]]);
    expect(chunk.views.map((view) => [view.url, view.ts - T0])).toEqual([[HOME, -5]]);
  });

  test('thins mouse moves to one position in moveSampleEvery, summed per bucket', () => {
    const moves = Array.from({ length: 10 }, (_, index) => mouseMove(100 + index, 5, 5));
    const [chunk] = deriveAll([[...pageLoad(0, HOME), ...moves]], { moveSampleEvery: 5 });
    expect(chunk.moves).toEqual([{ view: 0, device: 'desktop', day: DAY, documentWidth: 1280, cx: 0, cy: 0, count: 2 }]);
  });

  test('counts positions for thinning across chunks, so small batches still sample their moves', () => {
    const chunks = [[...pageLoad(0, HOME), mouseMove(100), mouseMove(110)], [mouseMove(120), mouseMove(130)], [mouseMove(140)]];
    const derived = deriveAll(chunks, { moveSampleEvery: 5 });
    expect(derived.map((chunk) => chunk.moves.reduce((sum, cell) => sum + cell.count, 0))).toEqual([0, 0, 1]);
    expect(derived[2].carry.movePositions).toBe(5);
  });

  test('takes each click its device class from its own viewport width, and a view its class from its viewport', () => {
    const [chunk] = deriveAll([
      [...pageLoad(0, HOME, 390, 844), slClick(100, { vw: 390, vh: 844 }), viewportResize(200, 900, 700), slClick(300, { vw: 900 })],
    ]);
    expect(chunk.views[0].device).toBe('mobile');
    expect(chunk.clicks.map((click) => click.device)).toEqual(['mobile', 'tablet']);
  });

  test('gives the same scroll depth per view, chunk by chunk, as scrollDepthByPageView over the whole window', () => {
    const window: RecordedEvent[] = [
      ...pageLoad(0, HOME),
      scroll(100, 400),
      slClick(150, { dh: 2400 }),
      scroll(300, 1200),
      ...pageLoad(1000, PRODUCT),
      scroll(1100, 300),
      slClick(1200, { dh: 5000 }),
      scroll(1300, 2000),
      slClick(1400, { dh: 5200 }),
    ];
    const chunks = [window.slice(0, 4), window.slice(4, 9), window.slice(9)];
    const byUrl = new Map<string, { bottom: number; height: number }>();
    for (const derived of deriveAll(chunks)) {
      for (const view of derived.views) {
        const seen = byUrl.get(view.url) ?? { bottom: 0, height: 0 };
        byUrl.set(view.url, {
          bottom: Math.max(seen.bottom, view.maxSeenBottom ?? 0),
          height: Math.max(seen.height, view.documentHeight ?? 0),
        });
      }
    }
    const expected = scrollDepthByPageView(window).map((depth) => [depth.url, depth.depth]);
    const actual = [...byUrl].map(([url, { bottom, height }]) => [url, Math.min(1, bottom / height)]);
    expect(actual).toEqual(expected);
    expect(expected).toEqual([
      [HOME, 2000 / 2400],
      [PRODUCT, 2800 / 5200],
    ]);
  });
});

describe('ingest | page errors of a chunk', () => {
  const custom = (at: number, tag: string, payload: unknown): RecordedEvent => ({ type: 5, data: { tag, payload }, timestamp: T0 + at });

  test('uncaught errors and console errors land on the view they happened in; warnings and requests do not', () => {
    const [first, second] = deriveAll([
      [
        ...pageLoad(0, PRODUCT),
        custom(100, 'sl:console', { level: 'warn', message: 'slow', frames: [] }),
        custom(200, 'sl:console', { level: 'error', message: 'Payment failed', frames: [] }),
        custom(250, 'sl:network', { kind: 'fetch', method: 'GET', url: 'https://shop.test/x', status: 500, durationMs: 1, requestBytes: 0, responseBytes: 0 }),
        ...pageLoad(300, HOME),
        custom(400, 'sl:error', { message: 'TypeError: x', source: '', line: 0, column: 0 }),
      ],
      [custom(500, 'sl:console', { level: 'error', message: 'x'.repeat(1_500), frames: [] })],
    ]);
    expect(first!.errors).toEqual([
      { view: 0, ts: T0 + 200, kind: 'console', message: 'Payment failed' },
      { view: 1, ts: T0 + 400, kind: 'uncaught', message: 'TypeError: x' },
    ]);
    // A later chunk continues the carried view; messages are cut to 1,000 characters.
    expect(second!.errors).toEqual([{ view: 0, ts: T0 + 500, kind: 'console', message: 'x'.repeat(1_000) }]);
    expect(second!.views[0]).toMatchObject({ continues: true, url: HOME });
  });
});
