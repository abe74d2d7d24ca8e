/**
 * Issue 10, item 1, follow-up at ingest: page keys match every page view's URL against the project's page patterns
 * inside the commit, so a batch of many distinct long URLs under 50 worst-case patterns could hold the event loop
 * for seconds. Each distinct URL of a batch is keyed once and the steps are metered; past config.maxPageKeySteps
 * the batch is refused with 400 page_keys_too_costly and nothing of it is stored.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HeatmapPagesResponse } from '../../contract/insights.ts';
import { MAX_PATH_SEGMENTS, MAX_PATTERN_SEGMENTS } from '../../server/analytics/url-pattern.ts';
import { MAX_PAGE_PATTERNS, MAX_PATTERN_CHARS } from '../../server/api/settings.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { visit } from './shop-events.ts';
import { expectApiError, ingest, makeBatch, newId, postBatch } from './support.ts';

const SEGMENT = `/${'a'.repeat(30)}`;
const hostilePath = (index: number) => `${SEGMENT.repeat(MAX_PATH_SEGMENTS - 1)}/u${index}`;

/**
 * 49 patterns whose inner segments hold every hostile segment but whose tail never does, so every offset stays live
 * to the end of the path; then an ordinary one.
 */
const PATTERNS = [
  ...Array.from({ length: MAX_PAGE_PATTERNS - 1 }, (_, index) => {
    const inner = index % 2 === 0 ? '/*a*' : '/a*a*a*';
    return `/**${inner.repeat(MAX_PATTERN_SEGMENTS - 3)}/*z${index}*/**`;
  }),
  '/product/*',
];

describe('POST /api/ingest | page key budget', () => {
  let server: TestServer;
  const start = Date.now() - 10 * 60_000;

  const batchOf = (paths: string[]) => {
    const v = visit(start);
    const events = paths.flatMap((path, index) => [...v.load(index * 1000, path), v.click(index * 1000 + 500, '#buy')]);
    return makeBatch(events, { sessionId: newId() });
  };

  beforeAll(async () => {
    server = await startTestServer();
    const saved = await adminFetch(`${server.url}/api/settings/page-patterns`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ patterns: PATTERNS }),
    });
    expect(saved.status).toBe(200);
  });
  afterAll(() => server.close());

  test('the patterns are ones settings accept', () => {
    expect(PATTERNS).toHaveLength(MAX_PAGE_PATTERNS);
    expect(new Set(PATTERNS).size).toBe(MAX_PAGE_PATTERNS);
    for (const pattern of PATTERNS) expect(pattern.length).toBeLessThanOrEqual(MAX_PATTERN_CHARS);
  });

  test('a batch of many distinct hostile URLs is refused with 400 page_keys_too_costly and not stored', async () => {
    const batch = batchOf(Array.from({ length: 100 }, (_, index) => hostilePath(index)));
    const error = await expectApiError(await postBatch(server.url, batch, { gzip: true }), 400, 'page_keys_too_costly');
    expect(error.message).toContain(`more than ${server.config.maxPageKeySteps} steps`);
    expect((await adminFetch(`${server.url}/api/sessions/${batch.sessionId}`)).status).toBe(404);
  });

  test('two hostile URLs loaded in turn 300 times are keyed once each, so their batch is accepted', async () => {
    // Each load of the other URL opens a new page view, so unmemoized this would cost 150 times more.
    await ingest(server.url, batchOf(Array.from({ length: 300 }, (_, index) => hostilePath(index % 2))), { gzip: true });
  });

  test('an ordinary batch under the same patterns takes the first pattern holding each page', async () => {
    await ingest(server.url, batchOf(['/product/1', '/product/2', '/cart', '/product/3']));
    const { pages } = (await (await adminFetch(`${server.url}/api/heatmaps/pages`)).json()) as HeatmapPagesResponse;
    const clicks = Object.fromEntries(pages.map((row) => [row.page, row.clicks]));
    expect(clicks['/product/*']).toBe(3);
    expect(clicks['/cart']).toBe(1);
  });
});
