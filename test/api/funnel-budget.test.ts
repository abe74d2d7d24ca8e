/**
 * Issue 10, item 1, follow-up: with many distinct long URLs recorded through the public ingest key, a funnel of
 * worst-case page patterns costs every label a match per step. Measured before this guard: 10,000 such URLs and 20
 * steps held the event loop 15–18 s, so every other request waited. Now matching runs in slices with the event loop
 * free between them, stops past a step budget with 422 funnel_too_costly, and only counts the labels of the project's
 * own timelines. Scaled down so each test takes seconds; the ordering, not a duration, is what is asserted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { FunnelQueryResponse } from '../../contract/insights.ts';
import { StepMaskBuilder } from '../../server/analytics/packed-funnel.ts';
import { MAX_PATH_SEGMENTS, MAX_PATTERN_SEGMENTS } from '../../server/analytics/url-pattern.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { visit } from './shop-events.ts';
import { expectApiError, ingest, makeBatch, newId } from './support.ts';

/** Distinct URLs as long as ingest keeps (2048 characters) with as many segments as still match a pattern. */
const SEGMENT = `/${'a'.repeat(30)}`;
const hostilePath = (index: number) => `${SEGMENT.repeat(MAX_PATH_SEGMENTS - 1)}/u${index}`;
const SESSIONS = 4;
const URLS_PER_SESSION = 50;

/**
 * The first step holds every hostile URL; the other 19 are worst-case shapes that never complete, so every offset
 * of every URL stays live to the end. 20 page steps: the funnel route's limit.
 */
const STEPS = [
  { type: 'page' as const, pattern: '/**/u*' },
  ...Array.from({ length: 19 }, (_, index) => {
    const letter = 'abcdefghijklmnopqrs'[index];
    const inner = index % 2 === 0 ? `/*${letter}*` : `/${'a*'.repeat(16)}${letter}`;
    return { type: 'page' as const, pattern: `/**${inner.repeat(MAX_PATTERN_SEGMENTS - 3)}/*z*/**` };
  }),
];
const ORDINARY_STEPS = [
  { type: 'page' as const, pattern: '/product/*' },
  { type: 'page' as const, pattern: '/checkout' },
];

const post = (server: TestServer, path: string, body: unknown) =>
  adminFetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

/** Sessions that each load `paths` one second apart, into the project with this ingest key. */
async function record(server: TestServer, project: string, sessions: string[][]): Promise<void> {
  const start = Date.now() - 60 * 60_000;
  for (const paths of sessions) {
    const v = visit(start);
    const events = paths.flatMap((path, index) => v.load(index * 1000, path));
    await ingest(server.url, makeBatch(events, { project, sessionId: newId() }));
  }
}

const hostileSessions = () =>
  Array.from({ length: SESSIONS }, (_, session) =>
    Array.from({ length: URLS_PER_SESSION }, (_, index) => hostilePath(session * URLS_PER_SESSION + index)),
  );

async function answer<T>(response: Response): Promise<T> {
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body as T;
}

describe('POST /api/funnels/query | hostile URLs', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
    await record(server, 'demo', hostileSessions());
  });
  afterAll(() => server.close());
  afterEach(() => vi.restoreAllMocks());

  test('the hostile steps are what the route accepts', async () => {
    expect(STEPS).toHaveLength(20);
    for (const { pattern } of STEPS) expect(pattern.length).toBeLessThanOrEqual(512);
    expect(hostilePath(0).length + 'https://shop.test'.length).toBeLessThanOrEqual(2048);
  });

  test('a GET /api/me sent once matching has begun is answered before the funnel', { timeout: 60_000 }, async () => {
    const order: string[] = [];
    let me: Promise<void> | undefined;
    const advance = StepMaskBuilder.prototype.advance;
    // The server runs in this process: the first slice of matching sends the request, so it can only be answered
    // while the funnel is under way if matching lets the event loop run.
    const slices = vi.spyOn(StepMaskBuilder.prototype, 'advance').mockImplementation(function (this: StepMaskBuilder, slice) {
      me ??= adminFetch(`${server.url}/api/me`).then(async (response) => {
        expect(response.status).toBe(200);
        order.push('me');
      });
      return advance.call(this, slice);
    });
    const funnel = post(server, '/api/funnels/query', { steps: STEPS }).then(async (response) => {
      order.push('funnel');
      return answer<FunnelQueryResponse>(response);
    });
    const result = await funnel;
    await me;
    expect(order).toEqual(['me', 'funnel']);
    expect(slices.mock.calls.length).toBeGreaterThan(10);
    expect(result.sessionsConsidered).toBe(SESSIONS);
    expect(result.steps.map((step) => step.sessions)).toEqual([SESSIONS, ...Array(19).fill(0)]);
  });
});

describe('POST /api/funnels/query | match budget', () => {
  /** Far below what the hostile funnel needs (tens of millions of steps), far above an ordinary funnel's. */
  const BUDGET = 2_000_000;
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ funnelMatchSteps: BUDGET });
    const created = await post(server, '/api/projects', { name: 'Quiet shop', key: 'quiet' });
    expect(created.status).toBe(201);
    await record(server, 'demo', hostileSessions());
    await record(server, 'quiet', [['/product/1', '/checkout'], ['/product/2']]);
  });
  afterAll(() => server.close());

  test('a funnel over the budget answers 422 funnel_too_costly', async () => {
    const error = await expectApiError(await post(server, '/api/funnels/query', { steps: STEPS }), 422, 'funnel_too_costly');
    expect(error.message).toContain(`more than ${BUDGET} steps`);
  });

  test('the session list filtered by a saved funnel over the budget answers the same', async () => {
    const saved = await post(server, '/api/funnels', { name: 'Hostile', steps: STEPS, windowMs: 60 * 60_000 });
    expect(saved.status).toBe(201);
    const { id } = (await saved.json()) as { id: number };
    const list = await adminFetch(`${server.url}/api/sessions?funnel=${id}&reachedStep=0`);
    await expectApiError(list, 422, 'funnel_too_costly');
  });

  test('an ordinary funnel on the same data stays well inside', async () => {
    const result = await answer<FunnelQueryResponse>(await post(server, '/api/funnels/query', { steps: ORDINARY_STEPS }));
    expect(result.sessionsConsidered).toBe(SESSIONS);
    expect(result.steps.map((step) => step.sessions)).toEqual([0, 0]);
  });

  test("another project's funnel does not pay for the hostile project's URLs", async () => {
    const result = await answer<FunnelQueryResponse>(
      await post(server, '/api/funnels/query?project=quiet', { steps: [...ORDINARY_STEPS, ...STEPS.slice(2)] }),
    );
    expect(result.sessionsConsidered).toBe(2);
    expect(result.steps.map((step) => step.sessions).slice(0, 2)).toEqual([2, 1]);
  });
});
