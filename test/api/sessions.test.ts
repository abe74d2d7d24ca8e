import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionDetail, SessionList } from '../../contract/api.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { CHROME_MAC_UA, expectApiError, ingest, makeBatch, newId } from './support.ts';

const T0 = 1_700_000_000_000;
const SHOP = 'https://shop.example';

const meta = (ts: number, href: string, width: number, height: number): RecordedEvent => ({
  type: 4,
  data: { href, width, height },
  timestamp: T0 + ts,
});
const input = (ts: number, source: number, extra: Record<string, unknown> = {}): RecordedEvent => ({
  type: 3,
  data: { source, ...extra },
  timestamp: T0 + ts,
});
const sl = (ts: number, tag: string, payload: unknown): RecordedEvent => ({ type: 5, data: { tag, payload }, timestamp: T0 + ts });
const mutation = (ts: number): RecordedEvent => input(ts, 0, { adds: [], removes: [], texts: [], attributes: [] });

describe('GET /api/sessions/:id', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('derives the metadata of a hand-built session across chunks and windows', async () => {
    const sessionId = newId();
    const firstWindow = newId();
    const secondWindow = newId();
    const page = { url: `${SHOP}/`, title: 'Shop', referrer: 'https://search.example/' };
    await ingest(
      server.url,
      makeBatch(
        [
          meta(0, `${SHOP}/`, 390, 844),
          { type: 2, data: { node: { type: 0, childNodes: [], id: 1 }, initialOffset: { left: 0, top: 0 } }, timestamp: T0 + 1 },
          sl(2, 'sl:page', page),
          input(1000, 1, { positions: [{ x: 1, y: 2, id: 3, timeOffset: 0 }] }),
          input(2000, 1, { positions: [] }),
          input(2500, 2, { type: 2, id: 3, x: 5, y: 6 }), // click
          input(2600, 2, { type: 1, id: 3, x: 5, y: 6 }), // mouse down: input, not a click
          mutation(9000),
          meta(10_000, `${SHOP}/product/1`, 390, 844),
          sl(10_001, 'sl:page', { url: `${SHOP}/product/1`, title: 'Mug', referrer: `${SHOP}/` }),
          sl(12_000, 'sl:identify', { userId: 'u-42', traits: { plan: 'gold' } }),
          sl(13_000, 'sl:error', { message: 'TypeError: x is undefined', source: 'app.js', line: 1, column: 2 }),
          sl(14_000, 'sl:track', { name: 'add_to_cart', props: { sku: 'MUG-1' } }),
          input(15_000, 4, { width: 820, height: 1180 }), // viewport resize: now a tablet
          input(22_000, 3, { id: 1, x: 0, y: 300 }), // 19.4 s after the last input: idle, not active
          input(22_500, 5, { id: 9, text: '***', isChecked: false }),
        ],
        { sessionId, windowId: firstWindow, seq: 0 },
      ),
      { headers: { 'User-Agent': CHROME_MAC_UA } },
    );
    // The next chunk's first input is 1.5 s after the previous chunk's last one: that gap is active time too.
    await ingest(
      server.url,
      makeBatch([input(24_000, 6, { positions: [] }), mutation(30_000)], { sessionId, windowId: firstWindow, seq: 1 }),
    );
    await ingest(
      server.url,
      makeBatch([meta(25_000, `${SHOP}/cart`, 820, 1180), sl(25_001, 'sl:page', { url: `${SHOP}/cart`, title: 'Cart', referrer: '' })], {
        sessionId,
        windowId: secondWindow,
        seq: 0,
      }),
    );

    const response = await adminFetch(`${server.url}/api/sessions/${sessionId}`);
    expect(response.status).toBe(200);
    const detail = (await response.json()) as SessionDetail;
    expect(detail.session).toEqual({
      id: sessionId,
      projectId: 1,
      startedAt: T0,
      endedAt: T0 + 30_000,
      durationMs: 30_000,
      activeMs: 1000 + 500 + 100 + 500 + 1500,
      entryUrl: `${SHOP}/`,
      pages: [`${SHOP}/`, `${SHOP}/product/1`, `${SHOP}/cart`],
      pageCount: 3,
      clickCount: 1,
      errorCount: 1,
      consoleErrorCount: 0,
      failedRequestCount: 0,
      eventCount: 20,
      device: 'tablet',
      browser: 'Chrome',
      browserVersion: '131.0.0.0',
      os: 'macOS',
      osVersion: '10.15.7',
      viewportWidth: 820,
      viewportHeight: 1180,
      userId: 'u-42',
      windows: [firstWindow, secondWindow],
      // The click at 2.5 s got no response; the cart got a mug and no purchase: a dead click (2), an error (1) and an
      // abandoned cart (3).
      rageClicks: 0,
      deadClicks: 1,
      errorClicks: 0,
      abandonedForm: false,
      cart: { outcome: 'abandoned', value: 0 },
      friction: 6,
    });
    expect(detail.marks).toEqual([
      { ts: T0 + 2, windowId: firstWindow, kind: 'page', label: `${SHOP}/` },
      { ts: T0 + 10_001, windowId: firstWindow, kind: 'page', label: `${SHOP}/product/1` },
      { ts: T0 + 12_000, windowId: firstWindow, kind: 'identify', label: 'u-42' },
      { ts: T0 + 13_000, windowId: firstWindow, kind: 'error', label: 'TypeError: x is undefined' },
      { ts: T0 + 14_000, windowId: firstWindow, kind: 'track', label: 'add_to_cart' },
      { ts: T0 + 25_001, windowId: secondWindow, kind: 'page', label: `${SHOP}/cart` },
    ]);
  });

  test('answers an unknown session with 404 session_not_found', async () => {
    await expectApiError(await adminFetch(`${server.url}/api/sessions/${newId()}`), 404, 'session_not_found');
  });
});

describe('GET /api/sessions', () => {
  let server: TestServer;
  // Three sessions that differ in every filtered field, started in the order A, B, C.
  const ids = { a: newId(), b: newId(), c: newId() };
  const starts = { a: T0, b: T0 + 3_600_000, c: T0 + 7_200_000 };

  beforeAll(async () => {
    server = await startTestServer();
    const session = async (id: string, start: number, durationMs: number, width: number, urls: string[], userId?: string) => {
      const events: RecordedEvent[] = urls.map((url, index) => ({
        type: 4,
        data: { href: url, width, height: 700 },
        timestamp: start + index,
      }));
      if (userId) events.push({ type: 5, data: { tag: 'sl:identify', payload: { userId, traits: {} } }, timestamp: start + 10 });
      events.push({ type: 3, data: { source: 0, adds: [], removes: [], texts: [], attributes: [] }, timestamp: start + durationMs });
      await ingest(server.url, makeBatch(events, { sessionId: id }));
    };
    // Ingested out of start order, so "newest first" cannot come from insertion order.
    await session(ids.b, starts.b, 60_000, 375, [`${SHOP}/home`, `${SHOP}/product/7`], 'bob');
    await session(ids.a, starts.a, 10_000, 1440, [`${SHOP}/home`, `${SHOP}/cart`], 'alice');
    await session(ids.c, starts.c, 120_000, 800, [`${SHOP}/checkout`]);
  });
  afterAll(() => server.close());

  async function list(query: string): Promise<SessionList> {
    const response = await adminFetch(`${server.url}/api/sessions${query}`);
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body as SessionList;
  }
  const idsOf = (body: SessionList) => body.sessions.map((session) => session.id);

  test('lists every session newest first with the default paging', async () => {
    const body = await list('');
    expect(idsOf(body)).toEqual([ids.c, ids.b, ids.a]);
    expect({ total: body.total, limit: body.limit, offset: body.offset }).toEqual({ total: 3, limit: 50, offset: 0 });
    expect(body.sessions[1]).toMatchObject({ userId: 'bob', device: 'mobile', durationMs: 60_000, pageCount: 2 });
  });

  test.each([
    { filter: 'from', query: `?from=${starts.b}`, expected: ['c', 'b'] },
    { filter: 'to', query: `?to=${starts.b}`, expected: ['b', 'a'] },
    { filter: 'from and to', query: `?from=${starts.b}&to=${starts.b}`, expected: ['b'] },
    { filter: 'url (a substring of a later page)', query: '?url=product', expected: ['b'] },
    { filter: 'url shared by two sessions', query: `?url=${encodeURIComponent('/home')}`, expected: ['b', 'a'] },
    { filter: 'url that matches nothing', query: '?url=wishlist', expected: [] },
    { filter: 'minDurationMs', query: '?minDurationMs=60000', expected: ['c', 'b'] },
    { filter: 'userId', query: '?userId=alice', expected: ['a'] },
    { filter: 'device mobile', query: '?device=mobile', expected: ['b'] },
    { filter: 'device tablet', query: '?device=tablet', expected: ['c'] },
    { filter: 'device desktop', query: '?device=desktop', expected: ['a'] },
    { filter: 'several at once', query: '?url=home&minDurationMs=30000&device=mobile', expected: ['b'] },
  ])('filters by $filter', async ({ query, expected }) => {
    const body = await list(query);
    const wanted = expected.map((key) => ids[key as keyof typeof ids]);
    expect(idsOf(body)).toEqual(wanted);
    expect(body.total).toBe(wanted.length);
  });

  test.each([
    { query: '?limit=2', expected: ['c', 'b'], offset: 0 },
    { query: '?limit=2&offset=2', expected: ['a'], offset: 2 },
    { query: '?limit=1&offset=1', expected: ['b'], offset: 1 },
    { query: '?offset=3', expected: [], offset: 3 },
  ])('pages with $query and still reports the total', async ({ query, expected, offset }) => {
    const body = await list(query);
    expect(idsOf(body)).toEqual(expected.map((key) => ids[key as keyof typeof ids]));
    expect(body.total).toBe(3);
    expect(body.offset).toBe(offset);
  });

  test.each([
    { query: '?limit=0', path: 'limit' },
    { query: '?limit=201', path: 'limit' },
    { query: '?limit=ten', path: 'limit' },
    { query: '?offset=-1', path: 'offset' },
    { query: '?from=yesterday', path: 'from' },
    { query: '?minDurationMs=1.5', path: 'minDurationMs' },
    { query: '?device=watch', path: 'device' },
    { query: '?url=a&url=b', path: 'url' },
    { query: '?url=', path: 'url' },
    { query: '?sort=oldest', path: 'sort' },
    { query: '?order=oldest', path: '(root)' },
  ])('rejects $query with 400 invalid_query naming $path', async ({ query, path }) => {
    const error = await expectApiError(await adminFetch(`${server.url}/api/sessions${query}`), 400, 'invalid_query');
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });

  test('answers an unknown API route with 404 not_found', async () => {
    const error = await expectApiError(await adminFetch(`${server.url}/api/session`), 404, 'not_found');
    expect(error.message).toContain('/api/session');
    await expectApiError(await adminFetch(`${server.url}/api/sessions`, { method: 'DELETE' }), 404, 'not_found');
  });
});
