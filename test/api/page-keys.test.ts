/** One page however its URL is written, and the heatmap routes count every device unless asked for one. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HeatmapPagesResponse, HeatmapResponse, ScrollmapResponse } from '../../contract/insights.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { ingest, makeBatch, newId } from './support.ts';
import { visit } from './shop-events.ts';

const DAY = Date.UTC(2024, 6, 1, 9);

describe('GET /api/heatmaps: /demo, /demo/ and /demo/index.html are one page', () => {
  let server: TestServer;

  async function get<T>(path: string): Promise<T> {
    const response = await adminFetch(`${server.url}${path}`);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  }

  beforeAll(async () => {
    server = await startTestServer();
    const shoppers = [
      { path: '/demo', width: 1440, height: 900, clicks: 3 },
      { path: '/demo/index.html', width: 390, height: 844, clicks: 2 },
      { path: '/demo/', width: 820, height: 1180, clicks: 1 },
    ];
    for (const [index, shopper] of shoppers.entries()) {
      const v = visit(DAY + index * 60_000, shopper.width, shopper.height);
      const clicks = Array.from({ length: shopper.clicks }, (_, n) => [
        v.click(1000 + n * 2000, '#buy'),
        v.mutation(1100 + n * 2000),
      ]).flat();
      await ingest(server.url, makeBatch([...v.load(0, shopper.path), ...clicks, v.mutation(20_000)], { sessionId: newId() }));
    }
  });
  afterAll(() => server.close());

  test('the page picker lists one page with every visit', async () => {
    const { pages } = await get<HeatmapPagesResponse>('/api/heatmaps/pages');
    expect(pages).toEqual([{ page: '/demo', views: 3, clicks: 6, moves: 0 }]);
  });

  test('the heatmap counts every device by default, and one device when asked', async () => {
    const all = await get<HeatmapResponse>('/api/heatmaps?page=/demo');
    expect({ device: all.device, total: all.total }).toEqual({ device: null, total: 6 });
    const byDevice = await Promise.all(
      ['desktop', 'mobile', 'tablet'].map(async (device) => (await get<HeatmapResponse>(`/api/heatmaps?page=/demo&device=${device}`)).total),
    );
    expect(byDevice).toEqual([3, 2, 1]);
    expect((await get<ScrollmapResponse>('/api/scrollmap?page=/demo')).views).toBe(3);
  });

  test('a link to the old key finds nothing under it', async () => {
    expect((await get<HeatmapResponse>(`/api/heatmaps?page=${encodeURIComponent('/demo/index.html')}`)).total).toBe(0);
  });
});
