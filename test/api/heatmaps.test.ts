import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {
  HeatmapPagesResponse,
  HeatmapResponse,
  HeatmapSnapshotResponse,
  ScrollmapResponse,
} from '../../contract/insights.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError, ingest, makeBatch, newId } from './support.ts';
import { visit } from './shop-events.ts';

const DAY_1 = Date.UTC(2024, 5, 10, 9);
const DAY_2 = Date.UTC(2024, 5, 11, 9);

describe('GET /api/heatmaps, /api/heatmaps/pages, /api/heatmaps/snapshot, /api/scrollmap', () => {
  let server: TestServer;
  const ids = { desktop: newId(), mobile: newId(), cart: newId() };
  const windows = { desktop: newId(), mobile: newId(), cart: newId() };

  async function get<T>(path: string): Promise<T> {
    const response = await adminFetch(`${server.url}${path}`);
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body as T;
  }

  beforeAll(async () => {
    server = await startTestServer();
    // Day 1, desktop 1280 px: two product pages (one page key), four clicks on #buy, one on #logo, one mouse move.
    const d = visit(DAY_1);
    await ingest(
      server.url,
      makeBatch(
        [
          ...d.load(0, '/product/1'),
          d.click(1000, '#buy', { ox: 0.25, oy: 0.25, x: 410, y: 620, label: '"Buy" button' }),
          d.mutation(1100),
          d.click(3000, '#buy', { ox: 0.26, oy: 0.29, x: 411, y: 622 }),
          d.mutation(3100),
          d.scroll(4000, 1200),
          d.click(5000, '#buy', { ox: 0.8, oy: 0.8, x: 470, y: 1650, dh: 4000 }),
          d.mutation(5100),
          ...d.load(8000, '/product/2'),
          d.click(9000, '#logo', { ox: 0.1, oy: 0.9, x: 30, y: 45, dh: 2000 }),
          d.mutation(9050),
          d.click(9500, '#buy', { ox: 0.5, oy: 0.5, x: 430, y: 640, dh: 2000 }),
          d.mutation(9600),
          d.move(9700, 25, 30),
          d.mutation(20_000),
        ],
        { sessionId: ids.desktop, windowId: windows.desktop },
      ),
    );
    // The move map keeps one position in 5: four more positions make the fifth.
    await ingest(
      server.url,
      makeBatch([d.move(9800, 25, 30), d.move(9900, 26, 31), d.move(9950, 27, 32), d.move(9990, 28, 33), d.mutation(30_000)], {
        sessionId: ids.desktop,
        windowId: windows.desktop,
        seq: 1,
      }),
    );
    // Day 2, mobile 390 px: one click on #buy, half-way down the page.
    const m = visit(DAY_2, 390, 844);
    await ingest(
      server.url,
      makeBatch(
        [
          ...m.load(0, '/product/3'),
          m.scroll(500, 1000),
          m.click(1000, '#buy', { ox: 0.5, oy: 0.5, x: 195, y: 1400, dh: 3688, label: '"Buy now" button' }),
          m.mutation(1100),
          m.mutation(9000),
        ],
        { sessionId: ids.mobile, windowId: windows.mobile },
      ),
    );
    const c = visit(DAY_2 + 3_600_000);
    await ingest(
      server.url,
      makeBatch([...c.load(0, '/cart'), c.click(500, '#checkout'), c.mutation(600), c.mutation(5000)], {
        sessionId: ids.cart,
        windowId: windows.cart,
      }),
    );
  });
  afterAll(() => server.close());

  test('aggregates clicks per element with offset buckets, page buckets and the latest click to replay', async () => {
    const map = await get<HeatmapResponse>('/api/heatmaps?page=/product/:id');
    expect({ total: map.total, elementGrid: map.elementGrid, pageCellPx: map.pageCellPx, kind: map.kind }).toEqual({
      total: 6,
      elementGrid: 20,
      pageCellPx: 20,
      kind: 'click',
    });
    expect(map.elements.map(({ selector, count, share }) => ({ selector, count, share }))).toEqual([
      { selector: '#buy', count: 5, share: 5 / 6 },
      { selector: '#logo', count: 1, share: 1 / 6 },
    ]);
    const buy = map.elements[0];
    expect(buy.cells).toEqual([
      { cx: 5, cy: 5, count: 2 },
      { cx: 10, cy: 10, count: 2 },
      { cx: 16, cy: 16, count: 1 },
    ]);
    expect(buy.pageCells).toEqual([
      { documentWidth: 390, cx: 9, cy: 70, count: 1 },
      { documentWidth: 1280, cx: 20, cy: 31, count: 2 },
      { documentWidth: 1280, cx: 21, cy: 32, count: 1 },
      { documentWidth: 1280, cx: 23, cy: 82, count: 1 },
    ]);
    expect(buy.replay).toEqual({ sessionId: ids.mobile, windowId: windows.mobile, ts: DAY_2 + 1000 });
    expect(map.elements[1].replay).toEqual({ sessionId: ids.desktop, windowId: windows.desktop, ts: DAY_1 + 9000 });
    // Each element as a person reads it at its latest click; #logo was recorded without a label.
    expect(map.elements.map(({ selector, label }) => [selector, label])).toEqual([['#buy', '"Buy now" button'], ['#logo', '']]);
  });

  test.each([
    { query: '&device=mobile', total: 1 },
    { query: '&device=desktop', total: 5 },
    { query: '&device=tablet', total: 0 },
    { query: `&from=${DAY_2}`, total: 1 },
    { query: `&to=${DAY_1}`, total: 5 },
    // Days are whole UTC days: any time on day 1 selects all of day 1.
    { query: `&from=${DAY_1 + 3_600_000}&to=${DAY_1 + 3_600_000}`, total: 5 },
    { query: `&from=${DAY_2 + 86_400_000}`, total: 0 },
  ])('filters by $query', async ({ query, total }) => {
    expect((await get<HeatmapResponse>(`/api/heatmaps?page=/product/:id${query}`)).total).toBe(total);
  });

  test('limits the elements listed and counts the rest', async () => {
    const map = await get<HeatmapResponse>('/api/heatmaps?page=/product/:id&limit=1');
    expect(map.elements.map((element) => element.selector)).toEqual(['#buy']);
    expect({ otherElements: map.otherElements, otherCount: map.otherCount }).toEqual({ otherElements: 1, otherCount: 1 });
  });

  test('maps thinned mouse moves by page position at the viewport width, scroll included', async () => {
    const map = await get<HeatmapResponse>('/api/heatmaps?page=/product/:id&kind=move');
    // The fifth position, (28, 33) in the viewport, on /product/2 which was not scrolled.
    expect(map.elements).toEqual([
      {
        selector: '',
        label: '',
        count: 1,
        share: 1,
        cells: [],
        pageCells: [{ documentWidth: 1280, cx: 1, cy: 1, count: 1 }],
        replay: null,
      },
    ]);
  });

  test('lists pages with their views and clicks, most clicked first', async () => {
    const { pages } = await get<HeatmapPagesResponse>('/api/heatmaps/pages');
    expect(pages).toEqual([
      { page: '/product/:id', views: 3, clicks: 6, moves: 1 },
      { page: '/cart', views: 1, clicks: 1, moves: 0 },
    ]);
    expect((await get<HeatmapPagesResponse>('/api/heatmaps/pages?device=mobile')).pages).toEqual([
      { page: '/product/:id', views: 1, clicks: 1, moves: 0 },
    ]);
    expect((await get<HeatmapPagesResponse>('/api/heatmaps/pages?limit=1')).pages).toHaveLength(1);
  });

  test('sends the latest recorded full snapshot of the page for the device, its Meta first', async () => {
    const mobile = await get<HeatmapSnapshotResponse>('/api/heatmaps/snapshot?page=/product/:id&device=mobile');
    expect(mobile).toMatchObject({
      page: '/product/:id',
      device: 'mobile',
      sessionId: ids.mobile,
      windowId: windows.mobile,
      url: 'https://shop.test/product/3',
      ts: DAY_2,
      viewportWidth: 390,
      viewportHeight: 844,
      truncated: false,
    });
    expect(mobile.events.map((event) => event.type).slice(0, 3)).toEqual([4, 2, 5]);
    expect(mobile.events.at(-1)?.timestamp).toBe(DAY_2 + 9000);

    // Desktop's latest view of the page is /product/2, and it ends where the window's recording ends.
    const desktop = await get<HeatmapSnapshotResponse>('/api/heatmaps/snapshot?page=/product/:id&device=desktop');
    expect(desktop).toMatchObject({ url: 'https://shop.test/product/2', ts: DAY_1 + 8000 });
    expect(desktop.events[0]).toMatchObject({ type: 4, timestamp: DAY_1 + 8000 });
    expect(desktop.events.at(-1)?.timestamp).toBe(DAY_1 + 30_000);
    expect(desktop.events.every((event) => event.timestamp >= DAY_1 + 8000)).toBe(true);

    // Without a device: the latest view of any device.
    expect((await get<HeatmapSnapshotResponse>('/api/heatmaps/snapshot?page=/product/:id')).device).toBe('mobile');
    await expectApiError(await adminFetch(`${server.url}/api/heatmaps/snapshot?page=/wishlist`), 404, 'snapshot_not_found');
    await expectApiError(await adminFetch(`${server.url}/api/heatmaps/snapshot?page=/cart&device=tablet`), 404, 'snapshot_not_found');
  });

  test('gives the share of page views reaching each depth band and the average fold', async () => {
    const map = await get<ScrollmapResponse>('/api/scrollmap?page=/product/:id');
    // Depths: /product/1 (1200 + 800) / 4000 = 0.5; /product/2 800 / 2000 = 0.4; mobile (1000 + 844) / 3688 = 0.5.
    expect({ views: map.views, viewsWithDepth: map.viewsWithDepth }).toEqual({ views: 3, viewsWithDepth: 3 });
    expect(map.bands).toHaveLength(20);
    expect(map.bands.map((band) => band.views)).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 2, 2, ...Array(10).fill(0)]);
    expect(map.bands[8]).toEqual({ from: 0.4, to: 0.45, views: 2, share: 2 / 3 });
    expect(map.averageFold).toBeCloseTo((800 / 4000 + 800 / 2000 + 844 / 3688) / 3, 10);
    const mobile = await get<ScrollmapResponse>('/api/scrollmap?page=/product/:id&device=mobile');
    expect(mobile).toMatchObject({ views: 1, device: 'mobile', page: '/product/:id' });
    expect(mobile.averageFold).toBeCloseTo(844 / 3688, 10);
    expect(await get<ScrollmapResponse>(`/api/scrollmap?page=/product/:id&from=${DAY_2 + 86_400_000}`)).toMatchObject({
      views: 0,
      averageFold: null,
    });
  });

  test.each([
    { path: '/api/heatmaps', name: 'page' },
    { path: '/api/heatmaps?page=/x&kind=hover', name: 'kind' },
    { path: '/api/heatmaps?page=/x&device=watch', name: 'device' },
    { path: '/api/heatmaps?page=/x&limit=0', name: 'limit' },
    { path: '/api/heatmaps?page=/x&from=20&to=10', name: 'from' },
    { path: '/api/heatmaps?page=/x&page=/y', name: 'page' },
    { path: '/api/heatmaps?page=/x&colour=red', name: '(root)' },
    { path: '/api/heatmaps/pages?limit=5000', name: 'limit' },
    { path: '/api/heatmaps/snapshot?device=mobile', name: 'page' },
    { path: '/api/scrollmap?page=/x&to=soon', name: 'to' },
  ])('rejects $path with 400 invalid_query naming $name', async ({ path, name }) => {
    const error = await expectApiError(await adminFetch(`${server.url}${path}`), 400, 'invalid_query');
    expect(error.message.startsWith(`${name}: `)).toBe(true);
  });
});

describe('GET /api/heatmaps over whole months and single days', () => {
  let server: TestServer;
  const days = ['2024-01-31', '2024-02-01', '2024-02-15', '2024-02-29', '2024-03-01'];
  const at = (day: string) => Date.parse(`${day}T12:00:00Z`);

  beforeAll(async () => {
    server = await startTestServer();
    for (const [index, day] of days.entries()) {
      const v = visit(at(day));
      // One click per day, and two on 15 February, each answered so no signal muddles the counts.
      const clicks = day === '2024-02-15' ? [v.click(500, '#buy'), v.mutation(600), v.click(2500, '#buy')] : [v.click(500, '#buy')];
      await ingest(server.url, makeBatch([...v.load(0, '/p'), ...clicks, v.mutation(2600), v.mutation(9000)], { seq: 0, sentAt: index }));
    }
  });
  afterAll(() => server.close());

  test.each([
    { range: 'all time', query: '', total: 6 },
    { range: 'a day before a whole month and a day after it', query: `&from=${at('2024-01-31')}&to=${at('2024-03-01')}`, total: 6 },
    { range: 'one whole month', query: `&from=${Date.UTC(2024, 1, 1)}&to=${Date.UTC(2024, 1, 29, 23)}`, total: 4 },
    { range: 'a month but its first day', query: `&from=${at('2024-02-02')}&to=${at('2024-02-29')}`, total: 3 },
    { range: 'one day', query: `&from=${at('2024-02-15')}&to=${at('2024-02-15')}`, total: 2 },
    { range: 'from a day on', query: `&from=${at('2024-02-16')}`, total: 2 },
    { range: 'up to a day', query: `&to=${at('2024-01-31')}`, total: 1 },
  ])('counts $range: $total', async ({ query, total }) => {
    const response = await adminFetch(`${server.url}/api/heatmaps?page=/p${query}`);
    expect(((await response.json()) as HeatmapResponse).total).toBe(total);
  });
});
