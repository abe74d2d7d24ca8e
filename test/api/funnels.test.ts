import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FunnelList, FunnelQueryResponse, SavedFunnel } from '../../contract/insights.ts';
import type { SessionList } from '../../contract/api.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError, ingest, makeBatch, newId } from './support.ts';
import { visit } from './shop-events.ts';

const MINUTE = 60_000;
const DAY_1 = Date.UTC(2024, 6, 1, 8);
const DAY_2 = Date.UTC(2024, 6, 2, 8);

const shopSteps = [
  { type: 'page', pattern: '/demo' },
  { type: 'page', pattern: '/demo/product.html' },
  { type: 'page', pattern: '/demo/cart.html' },
  { type: 'event', name: 'purchase' },
] as const;

function post(server: TestServer, path: string, body: unknown) {
  return adminFetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function query(server: TestServer, body: Record<string, unknown>): Promise<FunnelQueryResponse> {
  const response = await post(server, '/api/funnels/query', body);
  const json = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json as FunnelQueryResponse;
}

describe('funnels', () => {
  let server: TestServer;
  // buyer: every step. carter: up to the cart. browser: a product only. lander: the list only. slow: buys 40 min
  // after landing. tablet: every step, on a tablet on day 2. Two windows for buyer: the purchase in a second tab.
  const ids = { buyer: newId(), carter: newId(), browser: newId(), lander: newId(), slow: newId(), tablet: newId() };

  async function record(id: string, start: number, script: (v: ReturnType<typeof visit>) => RecordedEvent[], width = 1280) {
    const v = visit(start, width);
    await ingest(server.url, makeBatch(script(v), { sessionId: id }));
  }

  beforeAll(async () => {
    server = await startTestServer();
    await record(ids.buyer, DAY_1, (v) => [
      ...v.load(0, '/demo/'),
      ...v.load(10_000, '/demo/product.html?id=3'),
      v.track(12_000, 'add_to_cart', { value: 20 }),
      ...v.load(20_000, '/demo/cart.html'),
    ]);
    await ingest(
      server.url,
      makeBatch([...visit(DAY_1).load(50_000, '/demo/confirmation.html'), visit(DAY_1).track(51_000, 'purchase', { value: 20 })], {
        sessionId: ids.buyer,
      }),
    );
    await record(ids.carter, DAY_1 + MINUTE, (v) => [
      ...v.load(0, '/demo/'),
      ...v.load(5000, '/demo/product.html?id=1'),
      ...v.load(9000, '/demo/cart.html'),
    ]);
    await record(ids.browser, DAY_1 + 2 * MINUTE, (v) => [
      ...v.load(0, '/demo/index.html'),
      ...v.load(1000, '/demo/'),
      ...v.load(30_000, '/demo/product.html?id=2'),
    ]);
    await record(ids.lander, DAY_1 + 3 * MINUTE, (v) => [...v.load(0, '/demo/')]);
    await record(ids.slow, DAY_1 + 4 * MINUTE, (v) => [
      ...v.load(0, '/demo/'),
      ...v.load(60_000, '/demo/product.html?id=1'),
      ...v.load(120_000, '/demo/cart.html'),
      v.track(40 * MINUTE, 'purchase', { value: 5 }),
    ]);
    await record(
      ids.tablet,
      DAY_2,
      (v) => [...v.load(0, '/demo/'), ...v.load(4000, '/demo/product.html'), ...v.load(8000, '/demo/cart.html'), v.track(9000, 'purchase')],
      820,
    );
  });
  afterAll(() => server.close());

  test('POST /api/funnels/query counts sessions per step with conversions, median times and drop-offs', async () => {
    const result = await query(server, { steps: shopSteps });
    expect(result.windowMs).toBe(30 * MINUTE);
    expect(result.sessionsConsidered).toBe(6);
    expect(result.steps.map((step) => step.sessions)).toEqual([6, 5, 4, 2]);
    expect(result.steps.map((step) => step.conversionFromPrevious)).toEqual([null, 5 / 6, 4 / 5, 2 / 4]);
    expect(result.steps.map((step) => step.conversionFromStart)).toEqual([1, 5 / 6, 4 / 6, 2 / 6]);
    // Gaps list → product: 10 s, 5 s, 29 s, 60 s, 4 s; product → cart: 10 s, 4 s, 60 s, 4 s; cart → purchase: 31 s, 1 s.
    expect(result.steps.map((step) => step.medianTimeFromPreviousMs)).toEqual([null, 10_000, 7_000, 16_000]);
    expect(result.steps.map((step) => step.dropped)).toEqual([
      [],
      [{ sessionId: ids.lander, lastStepTs: DAY_1 + 3 * MINUTE }],
      [{ sessionId: ids.browser, lastStepTs: DAY_1 + 2 * MINUTE + 30_000 }],
      [
        // The slow buyer purchased 40 minutes after landing, outside the 30-minute window.
        { sessionId: ids.slow, lastStepTs: DAY_1 + 4 * MINUTE + 120_000 },
        { sessionId: ids.carter, lastStepTs: DAY_1 + MINUTE + 9000 },
      ],
    ]);
    expect(result.steps.map((step) => step.droppedCount)).toEqual([0, 1, 1, 2]);
  });

  test('uses the conversion window, the time range and the device filter', async () => {
    expect((await query(server, { steps: shopSteps, windowMs: 45 * MINUTE })).steps[3].sessions).toBe(3);
    expect((await query(server, { steps: shopSteps, windowMs: 15_000 })).steps.map((step) => step.sessions)).toEqual([6, 3, 2, 1]);
    const day2 = await query(server, { steps: shopSteps, from: DAY_2 });
    expect({ considered: day2.sessionsConsidered, sessions: day2.steps.map((step) => step.sessions) }).toEqual({
      considered: 1,
      sessions: [1, 1, 1, 1],
    });
    expect((await query(server, { steps: shopSteps, device: 'desktop', to: DAY_2 - 1 })).sessionsConsidered).toBe(5);
  });

  test('a funnel of events only counts tracked events', async () => {
    const result = await query(server, { steps: [{ type: 'event', name: 'add_to_cart' }, { type: 'event', name: 'purchase' }] });
    expect(result.steps.map((step) => step.sessions)).toEqual([1, 1]);
  });

  test.each([
    { name: 'no body', body: '', code: 'invalid_body' },
    { name: 'no steps', body: { steps: [] }, code: 'invalid_body' },
    { name: 'an unknown step type', body: { steps: [{ type: 'click', selector: '#buy' }] }, code: 'invalid_body' },
    { name: 'a pattern that is no path', body: { steps: [{ type: 'page', pattern: 'cart' }] }, code: 'invalid_body' },
    { name: 'an empty event name', body: { steps: [{ type: 'event', name: '' }] }, code: 'invalid_body' },
    { name: 'a zero window', body: { steps: shopSteps, windowMs: 0 }, code: 'invalid_body' },
    { name: 'from after to', body: { steps: shopSteps, from: 10, to: 5 }, code: 'invalid_body' },
    { name: 'an unknown field', body: { steps: shopSteps, colour: 'red' }, code: 'invalid_body' },
    { name: 'broken JSON', body: '{"steps": [', code: 'invalid_json' },
  ])('POST /api/funnels/query rejects $name with 400 $code', async ({ body, code }) => {
    await expectApiError(await post(server, '/api/funnels/query', body), 400, code);
  });

  test('saves, lists and deletes named funnels', async () => {
    const created = await post(server, '/api/funnels', { name: '  Checkout  ', steps: shopSteps });
    expect(created.status).toBe(201);
    const saved = (await created.json()) as SavedFunnel;
    expect(saved).toMatchObject({ name: 'Checkout', steps: shopSteps, windowMs: 30 * MINUTE });
    expect(typeof saved.id).toBe('number');
    const second = (await (await post(server, '/api/funnels', { name: 'Add to cart', steps: shopSteps.slice(0, 2), windowMs: 60_000 })).json()) as SavedFunnel;

    const list = (await (await adminFetch(`${server.url}/api/funnels`)).json()) as FunnelList;
    expect(list.funnels.map((funnel) => [funnel.name, funnel.windowMs])).toEqual([
      ['Add to cart', 60_000],
      ['Checkout', 30 * MINUTE],
    ]);

    const removed = await adminFetch(`${server.url}/api/funnels/${second.id}`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
    await expectApiError(await adminFetch(`${server.url}/api/funnels/${second.id}`, { method: 'DELETE' }), 404, 'funnel_not_found');
    await expectApiError(await adminFetch(`${server.url}/api/funnels/abc`, { method: 'DELETE' }), 404, 'funnel_not_found');
    expect(((await (await adminFetch(`${server.url}/api/funnels`)).json()) as FunnelList).funnels.map((funnel) => funnel.id)).toEqual([
      saved.id,
    ]);
    await expectApiError(await post(server, '/api/funnels', { name: ' ', steps: shopSteps }), 400, 'invalid_body');
    await expectApiError(await post(server, '/api/funnels', { steps: shopSteps }), 400, 'invalid_body');
  });

  describe('GET /api/sessions?funnel=…', () => {
    let funnelId: number;
    beforeAll(async () => {
      funnelId = ((await (await post(server, '/api/funnels', { name: 'Shop', steps: shopSteps })).json()) as SavedFunnel).id;
    });

    async function listIds(queryString: string): Promise<string[]> {
      const response = await adminFetch(`${server.url}/api/sessions?${queryString}`);
      const body = await response.json();
      expect(response.status, JSON.stringify(body)).toBe(200);
      return (body as SessionList).sessions.map((session) => session.id).sort();
    }
    const sorted = (...list: string[]) => [...list].sort();

    test.each([
      { name: 'entered the funnel', query: '', expected: ['buyer', 'carter', 'browser', 'lander', 'slow', 'tablet'] },
      { name: 'reached step 3', query: '&reachedStep=3', expected: ['buyer', 'tablet'] },
      { name: 'reached step 2', query: '&reachedStep=2', expected: ['buyer', 'carter', 'slow', 'tablet'] },
      { name: 'dropped at step 3', query: '&droppedAtStep=3', expected: ['carter', 'slow'] },
      { name: 'dropped at step 1', query: '&droppedAtStep=1', expected: ['lander'] },
      { name: 'reached step 3 on a tablet', query: '&reachedStep=3&device=tablet', expected: ['tablet'] },
      { name: 'dropped at step 3, day 1 only', query: `&droppedAtStep=3&to=${DAY_2 - 1}`, expected: ['carter', 'slow'] },
    ])('keeps the sessions that $name', async ({ query: extra, expected }) => {
      const wanted = sorted(...expected.map((key) => ids[key as keyof typeof ids]));
      expect(await listIds(`funnel=${funnelId}${extra}`)).toEqual(wanted);
    });

    test('answers an unknown funnel with 404 and bad step filters with 400', async () => {
      await expectApiError(await adminFetch(`${server.url}/api/sessions?funnel=99999`), 404, 'funnel_not_found');
      for (const bad of ['reachedStep=1', `funnel=${funnelId}&droppedAtStep=0`, `funnel=${funnelId}&reachedStep=4`,
        `funnel=${funnelId}&reachedStep=1&droppedAtStep=2`, `funnel=${funnelId}&droppedAtStep=9`]) {
        await expectApiError(await adminFetch(`${server.url}/api/sessions?${bad}`), 400, 'invalid_query');
      }
    });
  });
});
