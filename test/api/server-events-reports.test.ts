/**
 * Server events in the reports: a backend's purchase and the same order tracked in the browser (real recorder-shaped
 * batches through /api/ingest) count once in checkout metrics in either order of arrival; refunds; and server events
 * in timeline marks, the session list's event filter and funnels like tracked events of the same name.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FunnelQueryResponse, MetricsResponse } from '../../contract/insights.ts';
import type { SessionDetail, SessionList } from '../../contract/api.ts';
import { sweepExpiredSessions } from '../../server/retention.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { identifyEvent, makeServerKey, sendEvents } from './server-event-support.ts';
import { visit } from './shop-events.ts';
import { ingest, makeBatch, newId } from './support.ts';

const DAY_MS = 86_400_000;
/** Each test works on its own UTC day, so their metrics do not mix. */
const day = (n: number) => Date.UTC(2024, 9, n, 9);
const dayRange = (start: number) => `from=${start - 9 * 3_600_000}&to=${start + 15 * 3_600_000 - 1}`;

describe('server events in reports', () => {
  let server: TestServer;
  let key: string;

  async function get<T>(path: string): Promise<T> {
    const response = await adminFetch(`${server.url}${path}`);
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body as T;
  }
  const totals = async (start: number) => (await get<MetricsResponse>(`/api/metrics?${dayRange(start)}`)).totals;

  /** A shopper who reaches the checkout and, when `orderId` is given, tracks the purchase in the browser. */
  async function shop(sessionId: string, start: number, order?: { orderId: string; value: number }) {
    const v = visit(start);
    const events = [...v.load(0, '/demo/cart.html'), v.track(1000, 'add_to_cart', { value: order?.value ?? 10 }), ...v.load(5000, '/demo/checkout.html')];
    if (order) events.push(...v.load(9000, '/demo/confirmation.html'), v.track(9500, 'purchase', order));
    await ingest(server.url, makeBatch(events, { sessionId }));
  }
  const serverEvent = (name: string, sessionId: string | undefined, timestamp: number, props: Record<string, unknown>, userId?: string) => ({
    id: newId(),
    name,
    sessionId,
    userId,
    timestamp,
    props,
  });

  beforeAll(async () => {
    server = await startTestServer();
    key = await makeServerKey(server);
  });
  afterAll(() => server.close());

  test('counts an order tracked in the browser and then reported by the backend once, at the backend value', async () => {
    const sessionId = newId();
    await shop(sessionId, day(1), { orderId: 'O-1', value: 40 });
    expect(await totals(day(1))).toMatchObject({ orders: 1, revenue: 40 });
    await sendEvents(server, key, serverEvent('purchase', sessionId, day(1) + 10_000, { orderId: 'O-1', value: 38.5, currency: 'EUR' }));
    expect(await totals(day(1))).toMatchObject({ sessions: 1, orders: 1, purchaseSessions: 1, revenue: 38.5, cartAbandonmentRate: 0 });
  });

  test('counts an order the backend reported before the session arrived once, at the backend value', async () => {
    const sessionId = newId();
    const ack = await sendEvents(server, key, serverEvent('purchase', sessionId, day(2) + 10_000, { orderId: 'O-2', value: 20 }));
    expect(ack.withoutSession).toEqual(ack.created);
    // Before the session: counted on its own day, with no session behind it.
    expect(await totals(day(2))).toMatchObject({ sessions: 0, orders: 1, purchaseSessions: 0, revenue: 20 });
    await shop(sessionId, day(2), { orderId: 'O-2', value: 21 });
    expect(await totals(day(2))).toMatchObject({ sessions: 1, orders: 1, purchaseSessions: 1, conversionRate: 1, revenue: 20 });
    const detail = await get<SessionDetail>(`/api/sessions/${sessionId}`);
    expect(detail.marks.filter((mark) => mark.label === 'purchase').map((mark) => mark.server ?? false)).toEqual([false, true]);
  });

  test('counts a backend purchase whose shopper recorded nothing (an ad blocker), without a session', async () => {
    await sendEvents(server, key, serverEvent('purchase', undefined, day(3), { orderId: 'O-3', value: 55 }, `blocked-${newId()}`));
    expect(await totals(day(3))).toMatchObject({ sessions: 0, orders: 1, revenue: 55 });
    // No device is known for it, so a device filter leaves it out.
    const desktop = await get<MetricsResponse>(`/api/metrics?${dayRange(day(3))}&device=desktop`);
    expect(desktop.totals.orders).toBe(0);
  });

  test('takes refunds off revenue and shows the refund rate', async () => {
    const [first, second] = [newId(), newId()];
    await shop(first, day(4), { orderId: 'O-4', value: 100 });
    await shop(second, day(4) + 60_000, { orderId: 'O-5', value: 60 });
    // A partial refund of O-4 two days later, from the backend, naming only the customer's order.
    await sendEvents(server, key, serverEvent('refund', undefined, day(6), { orderId: 'O-4', value: 30 }, 'customer-4'));
    const metrics = await get<MetricsResponse>(`/api/metrics?from=${day(4) - 9 * 3_600_000}&to=${day(6) + DAY_MS}`);
    expect(metrics.totals).toMatchObject({ orders: 2, revenue: 130, refunds: 1, refundedValue: 30, refundRate: 0.5 });
    // The refund belongs to its order's day, not its own.
    expect(metrics.days.map(({ day: label, revenue, refunds, refundRate }) => ({ label, revenue, refunds, refundRate }))).toEqual([
      { label: '2024-10-04', revenue: 130, refunds: 1, refundRate: 0.5 },
    ]);
  });

  test('a server event marks the timeline, matches the event filter and counts as a funnel step', async () => {
    const [withCoupon, without] = [newId(), newId()];
    await shop(withCoupon, day(8));
    await shop(without, day(8) + 60_000);
    await sendEvents(server, key, serverEvent('coupon_applied', withCoupon, day(8) + 7000, { code: 'SPRING' }));

    const detail = await get<SessionDetail>(`/api/sessions/${withCoupon}`);
    expect(detail.marks.filter((mark) => mark.kind === 'track')).toEqual([
      { ts: day(8) + 1000, windowId: expect.any(String), kind: 'track', label: 'add_to_cart' },
      { ts: day(8) + 7000, windowId: '', kind: 'track', label: 'coupon_applied', server: true },
    ]);

    const list = await get<SessionList>(`/api/sessions?event=coupon_applied`);
    expect(list.sessions.map((session) => session.id)).toEqual([withCoupon]);

    const response = await adminFetch(`${server.url}/api/funnels/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        steps: [{ type: 'page', pattern: '/demo/checkout.html' }, { type: 'event', name: 'coupon_applied' }],
        ...{ from: day(8) - 3_600_000, to: day(8) + 3_600_000 },
      }),
    });
    const funnel = (await response.json()) as FunnelQueryResponse;
    expect(funnel.steps.map((step) => step.sessions)).toEqual([2, 1]);
    expect(funnel.steps[1]!.dropped.map((session) => session.sessionId)).toEqual([without]);
  });

  test('deleting a user deletes their server events, with or without a session', async () => {
    const userId = `gdpr-${newId()}`;
    const sessionId = newId();
    const v = visit(day(10));
    await ingest(server.url, makeBatch([...v.load(0, '/demo/'), identifyEvent(v.ts(500), userId)], { sessionId }));
    await sendEvents(server, key, {
      events: [
        serverEvent('purchase', undefined, day(10) + 1000, { orderId: 'O-10', value: 10 }, userId),
        serverEvent('purchase', undefined, day(10) - 3_600_000, { orderId: 'O-11', value: 5 }, userId),
      ],
    });
    expect(await totals(day(10))).toMatchObject({ orders: 2, purchaseSessions: 1 });
    expect((await adminFetch(`${server.url}/api/users/${userId}`, { method: 'DELETE' })).status).toBe(200);
    expect(await totals(day(10))).toMatchObject({ orders: 0, revenue: 0 });
    expect(server.db.prepare('SELECT count(*) FROM server_events WHERE user_id = ?').pluck().get(userId)).toBe(0);
  });
});

describe('retention of server events', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('the sweeper deletes server events with their session, and those without one by their own time', async () => {
    const key = await makeServerKey(server);
    const now = Date.UTC(2025, 0, 31, 12);
    const [old, recent] = [newId(), newId()];
    await ingest(server.url, makeBatch(visit(now - 40 * DAY_MS).load(0, '/demo/'), { sessionId: old }));
    await ingest(server.url, makeBatch(visit(now - 2 * DAY_MS).load(0, '/demo/'), { sessionId: recent }));
    const purchase = (sessionId: string | undefined, timestamp: number) => ({
      id: newId(),
      name: 'purchase',
      ...(sessionId ? { sessionId } : { userId: 'nobody-recorded' }),
      timestamp,
      props: { value: 1 },
    });
    const sent = [purchase(old, now - 40 * DAY_MS), purchase(recent, now - 2 * DAY_MS), purchase(undefined, now - 40 * DAY_MS), purchase(undefined, now - 2 * DAY_MS)];
    expect((await sendEvents(server, key, { events: sent })).withoutSession).toEqual([sent[2]!.id, sent[3]!.id]);
    expect((await adminFetch(`${server.url}/api/settings/retention`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ days: 30 }),
    })).status).toBe(200);
    await sweepExpiredSessions(server.store, now);
    const kept = server.db.prepare('SELECT event_id FROM server_events ORDER BY ts, id').pluck().all();
    expect(kept).toEqual([sent[1]!.id, sent[3]!.id]);
  });
});
