import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HeatmapPagesResponse } from '../../contract/insights.ts';
import type { PagePatternsResponse } from '../../contract/api.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { visit } from './shop-events.ts';
import { expectApiError, ingest, makeBatch } from './support.ts';

const ROUTE = '/api/settings/page-patterns';

describe('GET and PUT /api/settings/page-patterns', () => {
  let server: TestServer;

  const put = (patterns: unknown, query = '') =>
    adminFetch(`${server.url}${ROUTE}${query}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(patterns === undefined ? {} : { patterns }),
    });

  async function json<T>(response: Response): Promise<T> {
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body as T;
  }

  const getPatterns = async (query = '') => json<PagePatternsResponse>(await adminFetch(`${server.url}${ROUTE}${query}`));

  /** One visit to `path` with a click, so the page shows in the heatmap page list. */
  async function visitPage(path: string, at: number): Promise<void> {
    const v = visit(at);
    await ingest(server.url, makeBatch([...v.load(0, path), v.click(500, '#buy'), v.mutation(600), v.mutation(2000)]));
  }

  const listedPages = async () =>
    (await json<HeatmapPagesResponse>(await adminFetch(`${server.url}/api/heatmaps/pages`))).pages.map((row) => row.page);

  beforeAll(async () => {
    server = await startTestServer();
    server.db.prepare("INSERT INTO projects (key, name, created_at) VALUES ('shop-2', 'Second shop', 0)").run();
  });
  afterAll(() => server.close());

  test('starts with no patterns', async () => {
    expect(await getPatterns()).toEqual({ patterns: [] });
  });

  test('saves the list, answers with it, and GET returns it', async () => {
    const patterns = ['/product/*', '/blog/**', '/order/:id', '/p-*'];
    expect(await json(await put(patterns))).toEqual({ patterns });
    expect(await getPatterns()).toEqual({ patterns });
    expect(await getPatterns('?project=demo')).toEqual({ patterns });
    // An empty list clears them.
    expect(await json(await put([]))).toEqual({ patterns: [] });
    expect(await getPatterns()).toEqual({ patterns: [] });
  });

  test('keeps each project apart with the project query parameter', async () => {
    expect(await json(await put(['/a/*'], '?project=shop-2'))).toEqual({ patterns: ['/a/*'] });
    expect(await getPatterns('?project=shop-2')).toEqual({ patterns: ['/a/*'] });
    expect(await getPatterns()).toEqual({ patterns: [] });
  });

  test('answers 404 unknown_project for a key no project has', async () => {
    await expectApiError(await adminFetch(`${server.url}${ROUTE}?project=nope`), 404, 'unknown_project');
    await expectApiError(await put(['/x'], '?project=nope'), 404, 'unknown_project');
  });

  test.each([
    { name: 'no patterns field', patterns: undefined },
    { name: 'not an array', patterns: '/product/*' },
    { name: 'a non-string', patterns: [42] },
    { name: 'an empty pattern', patterns: [''] },
    { name: 'no leading slash', patterns: ['product/*'] },
    { name: 'a space', patterns: ['/product/ *'] },
    { name: 'a query', patterns: ['/product?id=*'] },
    { name: 'a fragment', patterns: ['/product#top'] },
    { name: 'a pattern over 200 characters', patterns: [`/${'a'.repeat(200)}`] },
    { name: 'more than 50 patterns', patterns: Array.from({ length: 51 }, (_, index) => `/p${index}`) },
  ])('refuses $name with 400 invalid_body and keeps the saved list', async ({ patterns }) => {
    await json(await put(['/kept/*']));
    await expectApiError(await put(patterns), 400, 'invalid_body');
    expect(await getPatterns()).toEqual({ patterns: ['/kept/*'] });
  });

  test('refuses extra fields', async () => {
    const response = await adminFetch(`${server.url}${ROUTE}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ patterns: [], extra: true }),
    });
    await expectApiError(response, 400, 'invalid_body');
  });

  test('accepts exactly 50 patterns of 200 characters', async () => {
    const patterns = Array.from({ length: 50 }, (_, index) => `/${String(index).padStart(2, '0')}${'x'.repeat(197)}`);
    expect(patterns.every((pattern) => pattern.length === 200)).toBe(true);
    expect(await json(await put(patterns))).toEqual({ patterns });
  });

  test('keys newly ingested pages by a saved pattern; pages stored before keep their keys', async () => {
    const start = Date.now() - 60_000;
    await json(await put([]));
    // `item-42` is not id-like, so without a pattern the path is its own key.
    await visitPage('/shop/item-42/reviews', start);
    expect(await listedPages()).toEqual(['/shop/item-42/reviews']);

    await json(await put(['/shop/*/reviews']));
    await visitPage('/shop/item-42/reviews', start + 10_000);
    await visitPage('/shop/item-7/reviews', start + 20_000);
    const pages = await listedPages();
    expect(pages).toContain('/shop/*/reviews');
    expect(pages).toContain('/shop/item-42/reviews');
    expect(pages).not.toContain('/shop/item-7/reviews');
    const clicks = (await json<HeatmapPagesResponse>(await adminFetch(`${server.url}/api/heatmaps/pages`))).pages.find(
      (row) => row.page === '/shop/*/reviews',
    );
    expect(clicks?.clicks).toBe(2);
  });
});
