/**
 * The report of issue 10: `/**` 13 times as a page pattern, then a batch whose URL has 20 segments, froze the server
 * for 10 s (ingest) and 13 s (funnel query) because patterns compiled to backtracking regexes. Here the same patterns
 * are saved, URLs of 20 segments ingested and a funnel queried with them: the answers are right, and they come
 * within a timeout the regexes overran many times (19 s for these batches, 115 s for the funnel query).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FunnelQueryResponse, HeatmapPagesResponse } from '../../contract/insights.ts';
import { MAX_PATTERN_SEGMENTS } from '../../server/analytics/url-pattern.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { visit } from './shop-events.ts';
import { expectApiError, ingest, makeBatch, newId } from './support.ts';

const STARS = '/**'.repeat(13);
/** Fails on any path not ending in /checkout, after trying every way to share the path among the 13 `**`. */
const STARS_THEN_CHECKOUT = `${STARS}/checkout`;
const TOO_MANY_SEGMENTS = '/**'.repeat(MAX_PATTERN_SEGMENTS + 1);

const segments = (count: number) => Array.from({ length: count }, (_, index) => `/s${index}`).join('');
const TWENTY = segments(20);
const TWENTY_TO_CHECKOUT = `${segments(19)}/checkout`;
/** `**` takes only non-empty segments, so neither pattern holds this path. */
const WITH_EMPTY_SEGMENT = `${segments(10)}/${segments(9)}`;
/** Generous for a few small requests; the regexes overran it. */
const TIMEOUT_MS = 10_000;

describe('hostile page patterns | PUT /api/settings/page-patterns, POST /api/ingest, POST /api/funnels/query', () => {
  let server: TestServer;
  const start = Date.now() - 10 * 60_000;

  const send = (method: string, path: string, body: unknown) =>
    adminFetch(`${server.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  async function json<T>(response: Response): Promise<T> {
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body as T;
  }

  /** A session that loads each path in turn (10 s apart) and clicks on each, so its pages list in the heatmaps. */
  async function browse(...paths: string[]): Promise<void> {
    const v = visit(start + Math.floor(Math.random() * 60_000));
    const events = paths.flatMap((path, index) => [
      ...v.load(index * 10_000, path),
      v.click(index * 10_000 + 500, '#buy'),
    ]);
    await ingest(server.url, makeBatch(events, { sessionId: newId() }));
  }

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('the reported patterns are within the limits and saved', async () => {
    const patterns = [STARS_THEN_CHECKOUT, STARS];
    expect(await json(await send('PUT', '/api/settings/page-patterns', { patterns }))).toEqual({ patterns });
  });

  test('a pattern over the segment limit is refused with 400 invalid_body, in settings and in funnels', async () => {
    const refused = await send('PUT', '/api/settings/page-patterns', { patterns: [TOO_MANY_SEGMENTS] });
    const error = await expectApiError(refused, 400, 'invalid_body');
    expect(error.message).toBe(`patterns[0]: at most ${MAX_PATTERN_SEGMENTS} segments`);
    const steps = [{ type: 'page', pattern: TOO_MANY_SEGMENTS }];
    await expectApiError(await send('POST', '/api/funnels/query', { steps }), 400, 'invalid_body');
    const saved = { name: 'Too many', steps, windowMs: 60_000 };
    await expectApiError(await send('POST', '/api/funnels', saved), 400, 'invalid_body');
    // The saved list is the one from before.
    const kept = await json<{ patterns: string[] }>(await adminFetch(`${server.url}/api/settings/page-patterns`));
    expect(kept.patterns).toEqual([STARS_THEN_CHECKOUT, STARS]);
  });

  test('batches with URLs of 20 segments take the first pattern holding them', { timeout: TIMEOUT_MS }, async () => {
    await browse(TWENTY, TWENTY_TO_CHECKOUT);
    await browse(TWENTY);
    await browse(WITH_EMPTY_SEGMENT);
    const { pages } = await json<HeatmapPagesResponse>(await adminFetch(`${server.url}/api/heatmaps/pages`));
    expect(Object.fromEntries(pages.map((row) => [row.page, row.clicks]))).toEqual({
      [STARS]: 2,
      [STARS_THEN_CHECKOUT]: 1,
      // No pattern holds it, so it is its own key (no segment is id-like).
      [WITH_EMPTY_SEGMENT]: 1,
    });
  });

  test('a funnel of the same patterns counts the sessions at each step', { timeout: TIMEOUT_MS }, async () => {
    const steps = [
      { type: 'page', pattern: STARS },
      { type: 'page', pattern: STARS_THEN_CHECKOUT },
      { type: 'page', pattern: `${'/**'.repeat(MAX_PATTERN_SEGMENTS - 1)}/nowhere` },
    ];
    const result = await json<FunnelQueryResponse>(await send('POST', '/api/funnels/query', { steps }));
    expect(result.sessionsConsidered).toBe(3);
    expect(result.steps.map((step) => step.sessions)).toEqual([2, 1, 0]);
    expect(result.steps.map((step) => step.droppedCount)).toEqual([0, 1, 1]);
  });
});
