/**
 * The session list's "interesting first": each session's badges (rage, dead and error clicks, an abandoned form,
 * what came of its cart) and friction score, kept on its row as chunks and backend events arrive, and the
 * `sort=friction` order. Hand-built shoppers here; test/e2e/signals.test.ts does the same with scripted ones.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionList, SessionSummary } from '../../contract/api.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { makeServerKey, sendEvents } from './server-event-support.ts';
import { visit } from './shop-events.ts';
import { ingest, makeBatch, newId } from './support.ts';

const T0 = Date.UTC(2024, 9, 1, 10);

describe('GET /api/sessions?sort=friction', () => {
  let server: TestServer;
  const ids = { purchase: newId(), rage: newId(), abandon: newId(), dead: newId(), browse: newId() };

  async function record(id: string, startOffset: number, script: (v: ReturnType<typeof visit>) => RecordedEvent[]) {
    await ingest(server.url, makeBatch(script(visit(T0 + startOffset)), { sessionId: id }));
  }

  async function list(query = ''): Promise<SessionList> {
    const paging = query.includes('limit=') ? '' : 'limit=200';
    const response = await adminFetch(`${server.url}/api/sessions?${paging}${query}`);
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body as SessionList;
  }
  const byId = async () => new Map((await list()).sessions.map((session) => [session.id, session]));
  const names = (sessions: SessionSummary[]) => {
    const nameOf = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    return sessions.map((session) => nameOf.get(session.id) ?? session.id);
  };

  beforeAll(async () => {
    server = await startTestServer();
    // The clean purchase is the newest, so a list by start time puts it first.
    await record(ids.purchase, 50_000, (v) => [
      ...v.load(0, '/demo/product.html'),
      v.track(500, 'add_to_cart', { value: 24.5 }),
      ...v.load(1000, '/demo/checkout.html'),
      v.field(1500, 'focus', '#email'),
      v.submit(2000),
      v.track(2100, 'purchase', { value: 24.5, orderId: 'A1' }),
      v.mutation(5000),
    ]);
    // Hammers the promo button, which never answers, then leaves the checkout with the cart full.
    await record(ids.rage, 40_000, (v) => [
      ...v.load(0, '/demo/product.html'),
      v.track(500, 'add_to_cart', { value: 30 }),
      ...v.load(1000, '/demo/checkout.html'),
      v.field(1200, 'focus', '#promo-code'),
      ...[2000, 2150, 2300, 2450].map((at) => v.click(at, '#apply-promo', { label: '"Apply" button', x: 500, y: 300 })),
      v.move(9000, 1, 1),
    ]);
    await record(ids.abandon, 30_000, (v) => [
      ...v.load(0, '/demo/product.html'),
      v.track(500, 'add_to_cart', { value: 60 }),
      ...v.load(1000, '/demo/checkout.html'),
      v.field(1500, 'focus', '#email'),
      v.field(3000, 'change', '#email'),
      v.mutation(6000),
    ]);
    await record(ids.dead, 20_000, (v) => [...v.load(0, '/demo/product.html'), v.click(1000, '#product-image', { tag: 'figure' }), v.move(5000, 1, 1)]);
    await record(ids.browse, 10_000, (v) => [...v.load(0, '/demo/'), v.mutation(4000)]);
  });
  afterAll(() => server.close());

  test('each session carries its badges and friction', async () => {
    const sessions = await byId();
    expect(sessions.get(ids.purchase)).toMatchObject({
      rageClicks: 0, deadClicks: 0, errorClicks: 0, abandonedForm: false, cart: { outcome: 'purchased', value: 24.5 }, friction: 0,
    });
    // A rage burst (5) whose four dead presses fold into it, a form left (3), a cart of 30 left (3 + 3).
    expect(sessions.get(ids.rage)).toMatchObject({
      rageClicks: 1, deadClicks: 0, abandonedForm: true, cart: { outcome: 'abandoned', value: 30 }, friction: 14,
    });
    expect(sessions.get(ids.abandon)).toMatchObject({ abandonedForm: true, cart: { outcome: 'abandoned', value: 60 }, friction: 12 });
    expect(sessions.get(ids.dead)).toMatchObject({ deadClicks: 1, cart: { outcome: 'none', value: 0 }, friction: 2 });
    expect(sessions.get(ids.browse)).toMatchObject({ friction: 0 });
  });

  test('puts the rage and abandoning shoppers above the clean purchase; ties stay newest first', async () => {
    expect(names((await list()).sessions)).toEqual(['purchase', 'rage', 'abandon', 'dead', 'browse']);
    expect(names((await list('&sort=friction')).sessions)).toEqual(['rage', 'abandon', 'dead', 'purchase', 'browse']);
  });

  test('sorts within filters and pages', async () => {
    expect(names((await list('&sort=friction&url=checkout')).sessions)).toEqual(['rage', 'abandon', 'purchase']);
    const second = await list('&sort=friction&limit=2&offset=2');
    expect(names(second.sessions)).toEqual(['dead', 'purchase']);
    expect(second.total).toBe(5);
  });

  test("a backend's purchase settles the cart it names: the session drops below those still abandoned", async () => {
    const key = await makeServerKey(server);
    await sendEvents(server, key, {
      events: [{ id: newId(), name: 'purchase', sessionId: ids.abandon, timestamp: T0 + 30_000 + 7000, props: { value: 60, orderId: 'B7' } }],
    });
    expect((await byId()).get(ids.abandon)).toMatchObject({ cart: { outcome: 'purchased', value: 60 }, friction: 3 });
    expect(names((await list('&sort=friction')).sessions)).toEqual(['rage', 'abandon', 'dead', 'purchase', 'browse']);
  });

  test("sessions stored before friction was kept get it from the upgrade's re-derivation (migration 21)", async () => {
    server.db.prepare('UPDATE sessions SET friction = NULL, rage_clicks = 0, cart_outcome = ?').run('none');
    const started = await adminFetch(`${server.url}/api/rederive?project=demo`, { method: 'POST' });
    expect(started.status).toBe(202);
    await server.waitForDerivation();
    const sessions = await byId();
    expect(sessions.get(ids.rage)).toMatchObject({ rageClicks: 1, cart: { outcome: 'abandoned', value: 30 }, friction: 14 });
    expect(sessions.get(ids.purchase)).toMatchObject({ cart: { outcome: 'purchased' }, friction: 0 });
  });
});
