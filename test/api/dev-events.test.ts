import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionDetail, SessionList } from '../../contract/api.ts';
import type { PageErrorsResponse } from '../../contract/insights.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { visit } from './shop-events.ts';
import { expectApiError, ingest, makeBatch, newId, postBatch } from './support.ts';

const START = Date.UTC(2024, 7, 1, 10);

async function getJson<T>(server: TestServer, path: string): Promise<T> {
  const response = await adminFetch(`${server.url}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

/** A session of one window: its id, and its events as one batch. */
async function record(server: TestServer, start: number, script: (v: ReturnType<typeof visit>) => Array<ReturnType<ReturnType<typeof visit>['click']>>) {
  const sessionId = newId();
  const windowId = newId();
  await ingest(server.url, makeBatch(script(visit(start)), { sessionId, windowId }));
  return { sessionId, windowId };
}

describe('developer events: console and network in the session list, the replay and the pages', () => {
  let server: TestServer;
  let broken: { sessionId: string; windowId: string };
  let quiet: { sessionId: string; windowId: string };
  let offline: { sessionId: string; windowId: string };

  beforeAll(async () => {
    server = await startTestServer();
    broken = await record(server, START, (v) => [
      ...v.load(0, '/product/1'),
      v.console(1_000, 'warn', 'Coupon check slow'),
      v.console(2_000, 'error', 'Payment failed: card declined'),
      v.request(2_500, 'POST', '/api/pay', 503),
      v.request(3_000, 'GET', '/api/stock', 200),
      v.console(4_000, 'error', 'Payment failed: card declined'),
      ...v.load(5_000, '/cart'),
      v.error(6_000, 'TypeError: cart.items is undefined'),
    ]);
    quiet = await record(server, START + 60_000, (v) => [
      ...v.load(0, '/product/2'),
      v.console(500, 'warn', 'deprecated API'),
      v.request(800, 'GET', '/api/stock', 404),
    ]);
    offline = await record(server, START + 120_000, (v) => [
      ...v.load(0, '/product/3'),
      v.request(900, 'GET', '/api/stock', 0),
      v.console(1_000, 'error', 'Payment failed: card declined'),
    ]);
  });
  afterAll(async () => {
    await server?.close();
  });

  test('a session counts its console errors and failed requests (no answer, or 500 and above)', async () => {
    const detail = await getJson<SessionDetail>(server, `/api/sessions/${broken.sessionId}`);
    expect(detail.session).toMatchObject({ errorCount: 1, consoleErrorCount: 2, failedRequestCount: 1 });
    const others = await getJson<SessionList>(server, '/api/sessions');
    const byId = new Map(others.sessions.map((session) => [session.id, session]));
    // A warning and a 404 are neither.
    expect(byId.get(quiet.sessionId)).toMatchObject({ consoleErrorCount: 0, failedRequestCount: 0 });
    expect(byId.get(offline.sessionId)).toMatchObject({ consoleErrorCount: 1, failedRequestCount: 1 });
  });

  test.each([
    ['hasConsoleErrors=true', ['offline', 'broken']],
    ['hasConsoleErrors=false', ['quiet']],
    ['hasFailedRequests=true', ['offline', 'broken']],
    ['hasFailedRequests=false', ['quiet']],
    ['hasFailedRequests=true&hasErrors=true', ['broken']],
  ])('GET /api/sessions?%s', async (query, expected) => {
    const names = new Map([[broken.sessionId, 'broken'], [quiet.sessionId, 'quiet'], [offline.sessionId, 'offline']]);
    const list = await getJson<SessionList>(server, `/api/sessions?${query}`);
    expect(list.sessions.map((session) => names.get(session.id))).toEqual(expected);
    expect(list.total).toBe(expected.length);
  });

  test('GET /api/sessions refuses a filter value that is not a flag', async () => {
    await expectApiError(await adminFetch(`${server.url}/api/sessions?hasFailedRequests=maybe`), 400, 'invalid_query');
  });

  test('console errors and failed requests are timeline marks; warnings and answered requests are not', async () => {
    const { marks } = await getJson<SessionDetail>(server, `/api/sessions/${broken.sessionId}`);
    const developer = marks.filter((mark) => mark.kind === 'console' || mark.kind === 'request' || mark.kind === 'error');
    expect(developer).toEqual([
      { ts: START + 2_000, windowId: broken.windowId, kind: 'console', label: 'Payment failed: card declined' },
      { ts: START + 2_500, windowId: broken.windowId, kind: 'request', label: 'POST https://shop.test/api/pay 503' },
      { ts: START + 4_000, windowId: broken.windowId, kind: 'console', label: 'Payment failed: card declined' },
      { ts: START + 6_000, windowId: broken.windowId, kind: 'error', label: 'TypeError: cart.items is undefined' },
    ]);
    const offlineMarks = (await getJson<SessionDetail>(server, `/api/sessions/${offline.sessionId}`)).marks;
    expect(offlineMarks.find((mark) => mark.kind === 'request')?.label).toBe('GET https://shop.test/api/stock network error');
  });

  test('GET /api/heatmaps/errors: a page\'s errors, most frequent first, each with sessions and its latest replay', async () => {
    const product = await getJson<PageErrorsResponse>(server, '/api/heatmaps/errors?page=/product/:id');
    expect(product).toEqual({
      page: '/product/:id',
      device: null,
      from: null,
      to: null,
      errors: [{
        message: 'Payment failed: card declined',
        kind: 'console',
        count: 3,
        sessions: 2,
        lastSeenAt: START + 121_000,
        replay: { sessionId: offline.sessionId, windowId: offline.windowId, ts: START + 121_000 },
      }],
    });
    // The uncaught error happened after the visitor moved on to the cart: it belongs to that page.
    const cart = await getJson<PageErrorsResponse>(server, '/api/heatmaps/errors?page=/cart');
    expect(cart.errors.map(({ message, kind, count }) => ({ message, kind, count }))).toEqual([
      { message: 'TypeError: cart.items is undefined', kind: 'uncaught', count: 1 },
    ]);
  });

  test('GET /api/heatmaps/errors filters by time and device, and limits the list', async () => {
    const early = await getJson<PageErrorsResponse>(server, `/api/heatmaps/errors?page=/product/:id&to=${START + 60_000}`);
    expect(early.errors[0]).toMatchObject({ count: 2, sessions: 1 });
    const phones = await getJson<PageErrorsResponse>(server, '/api/heatmaps/errors?page=/product/:id&device=mobile');
    expect(phones.errors).toEqual([]);
    await expectApiError(await adminFetch(`${server.url}/api/heatmaps/errors?page=/product/:id&limit=0`), 400, 'invalid_query');
    await expectApiError(await adminFetch(`${server.url}/api/heatmaps/errors`), 400, 'invalid_query');
  });

  test('POST /api/ingest refuses a malformed console or network event, naming it, and stores nothing', async () => {
    const v = visit(START + 500_000);
    const sessionId = newId();
    const bad = { ...v.request(100, 'GET', '/x', 200), data: { tag: 'sl:network', payload: { kind: 'fetch', method: 'GET /x', url: '/x', status: 200 } } };
    const response = await postBatch(server.url, makeBatch([...v.load(0, '/'), bad], { sessionId }));
    const error = await expectApiError(response, 400, 'schema_mismatch');
    expect(error.message).toMatch(/^events\[3\]\.data\.payload\.method: /);
    const missing = await adminFetch(`${server.url}/api/sessions/${sessionId}`);
    expect(missing.status).toBe(404);
  });
});
