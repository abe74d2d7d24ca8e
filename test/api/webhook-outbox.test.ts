/**
 * What enters the webhook outbox, and when: a new rage or error click at ingest (once, however its batches are
 * re-sent or its burst grows), and cart_abandoned / form_abandoned when an idle session is closed (once per session,
 * never for a session that bought). Delivered to a real local receiver, payloads and replay links included.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DeliveryLog, WebhookCreated, WebhookPayload } from '../../contract/webhooks.ts';
import { defaultConfig } from '../../server/config.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { createWebhookDispatcher } from '../../server/webhooks/dispatcher.ts';
import { defaultCheckoutOptions } from '../../server/analytics/checkout-metrics.ts';
import { closingDrafts } from '../../server/webhooks/drafts.ts';
import { closeIdleSessions } from '../../server/webhooks/session-closer.ts';
import { ALLOW_LOCAL_RECEIVERS } from '../../support/outbound.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { makeServerKey, sendEvents } from './server-event-support.ts';
import { ingest, makeBatch, newId } from './support.ts';
import { SHOP, visit } from './shop-events.ts';

/** The sessions below were ingested a moment ago: the default idle timeout finds none idle, this short one all. */
const closerAt = (idleMs: number) => ({ idleMs, logRetentionMs: defaultConfig.webhooks.logRetentionMs });
const SHORT_IDLE_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createWebhook(server: TestServer, url: string, events: string[]): Promise<WebhookCreated> {
  const response = await adminFetch(`${server.url}/api/webhooks`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ url, events }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as WebhookCreated;
}

async function deliveryCount(server: TestServer, webhookId: number): Promise<number> {
  const response = await adminFetch(`${server.url}/api/webhooks/${webhookId}/deliveries`);
  return ((await response.json()) as DeliveryLog).deliveries.length;
}

/** Delivers everything due and returns the payloads the receiver got, in arrival order. */
async function deliverAll(server: TestServer, receiver: WebhookReceiver): Promise<WebhookPayload[]> {
  const dispatcher = createWebhookDispatcher(server.store, { ...defaultConfig.webhooks, publicUrl: 'https://sightline.test', outbound: server.outbound });
  while ((await dispatcher.runOnce()) > 0);
  const payloads = receiver.requests.map((request) => JSON.parse(request.body) as WebhookPayload);
  receiver.requests.length = 0;
  return payloads;
}

function replayQuery(payload: WebhookPayload): { session: string; t: string | null; window: string | null } {
  const [path, query] = new URL(payload.session!.replayUrl).hash.slice(1).split('?');
  const params = new URLSearchParams(query);
  return { session: decodeURIComponent(path.replace('/sessions/', '')), t: params.get('t'), window: params.get('window') };
}

describe('outbox | rage and error clicks found at ingest', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let clicks: WebhookCreated;
  let carts: WebhookCreated;
  beforeAll(async () => {
    server = await startTestServer(ALLOW_LOCAL_RECEIVERS);
    receiver = await startWebhookReceiver();
    clicks = await createWebhook(server, receiver.url, ['rage_click', 'error_click']);
    carts = await createWebhook(server, receiver.url, ['cart_abandoned']);
  });
  afterAll(async () => {
    await receiver.close();
    await server.close();
  });

  test('a rage click enqueues one rage_click with a replay link at the burst; a re-sent batch enqueues nothing', async () => {
    const v = visit(Date.UTC(2025, 1, 3, 10));
    const ids = { sessionId: newId(), windowId: newId() };
    const identify: RecordedEvent = { type: 5, data: { tag: 'sl:identify', payload: { userId: 'customer-9', traits: {} } }, timestamp: v.ts(10) };
    const burst = [...v.load(0, '/checkout'), identify, ...[2000, 2200, 2400, 2600].map((at) => v.click(at, '#pay')), v.mutation(9000)];
    const batch = makeBatch(burst, { ...ids, seq: 0 });
    await ingest(server.url, batch);
    expect(await deliveryCount(server, clicks.webhook.id)).toBe(1);
    expect(await deliveryCount(server, carts.webhook.id)).toBe(0);

    expect((await ingest(server.url, batch)).duplicate).toBe(true);
    expect(await deliveryCount(server, clicks.webhook.id)).toBe(1);

    const [payload, ...others] = await deliverAll(server, receiver);
    expect(others).toEqual([]);
    expect(payload).toMatchObject({
      type: 'rage_click',
      project: 'demo',
      session: { id: ids.sessionId, userId: 'customer-9' },
      data: { selector: '#pay', page: '/checkout', url: `${SHOP}/checkout`, at: v.ts(2000), clicks: 4 },
    });
    expect(payload.id).toMatch(/^evt_/);
    expect(replayQuery(payload)).toEqual({ session: ids.sessionId, t: '2000', window: ids.windowId });
    expect(payload.session!.replayUrl.startsWith('https://sightline.test/#/sessions/')).toBe(true);
  });

  test('a burst that grows in the next batch is not announced again; a new burst is', async () => {
    const v = visit(Date.UTC(2025, 1, 3, 11));
    const ids = { sessionId: newId(), windowId: newId() };
    const before = await deliveryCount(server, clicks.webhook.id);
    await ingest(server.url, makeBatch([...v.load(0, '/cart'), v.click(1000, '#promo'), v.click(1200, '#promo'), v.click(1400, '#promo')], { ...ids, seq: 0 }));
    expect(await deliveryCount(server, clicks.webhook.id)).toBe(before + 1);
    await ingest(server.url, makeBatch([v.click(1600, '#promo'), v.click(1800, '#promo'), v.mutation(9000)], { ...ids, seq: 1 }));
    expect(await deliveryCount(server, clicks.webhook.id)).toBe(before + 1);
    await ingest(server.url, makeBatch([v.click(20_000, '#promo'), v.click(20_200, '#promo'), v.click(20_400, '#promo'), v.mutation(29_000)], { ...ids, seq: 2 }));
    expect(await deliveryCount(server, clicks.webhook.id)).toBe(before + 2);
    const payloads = await deliverAll(server, receiver);
    expect(payloads.map((payload) => [payload.type, payload.data.clicks])).toEqual([
      // The first event was built when the burst had 3 clicks: an event says what was known when it happened.
      ['rage_click', 3],
      ['rage_click', 3],
    ]);
  });

  test('an error click enqueues error_click with the error message', async () => {
    const v = visit(Date.UTC(2025, 1, 3, 12));
    const ids = { sessionId: newId(), windowId: newId() };
    await ingest(server.url, makeBatch([...v.load(0, '/checkout'), v.click(1000, '#pay'), v.error(1200, 'TypeError: card is undefined'), v.mutation(5000)], { ...ids, seq: 0 }));
    const [payload] = await deliverAll(server, receiver);
    expect(payload).toMatchObject({
      type: 'error_click',
      session: { id: ids.sessionId },
      data: { selector: '#pay', errors: 1, message: 'TypeError: card is undefined' },
    });
    expect(replayQuery(payload).t).toBe('1000');
  });
});

describe('outbox | cart_abandoned and form_abandoned when an idle session is closed', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let hook: WebhookCreated;
  const start = Date.UTC(2025, 1, 4, 9);
  const abandoned = { sessionId: newId(), windowId: newId(), cartWindow: newId() };
  const bought = { sessionId: newId(), windowId: newId() };
  const formOnly = { sessionId: newId(), windowId: newId() };
  // The page tracked only add_to_cart; the store's backend reported the purchase (POST /api/events).
  const paidOnServer = { sessionId: newId(), windowId: newId() };

  beforeAll(async () => {
    server = await startTestServer(ALLOW_LOCAL_RECEIVERS);
    receiver = await startWebhookReceiver();
    hook = await createWebhook(server, receiver.url, ['cart_abandoned', 'form_abandoned']);

    const a = visit(start);
    await ingest(server.url, makeBatch([...a.load(0, '/product/7'), a.track(3000, 'add_to_cart', { value: 19.5, name: 'Lamp', sku: 'L-1', price: 19.5, quantity: 1 })], { sessionId: abandoned.sessionId, windowId: abandoned.windowId, seq: 0 }));
    // A second tab: the last add_to_cart is there, so the replay link opens that tab.
    await ingest(server.url, makeBatch([...a.load(5000, '/product/8'), a.track(8000, 'add_to_cart', { value: '5.25', productId: 'p-8', quantity: 3 })], { sessionId: abandoned.sessionId, windowId: abandoned.cartWindow, seq: 0 }));

    const b = visit(start + 60_000);
    await ingest(server.url, makeBatch([...b.load(0, '/product/7'), b.track(2000, 'add_to_cart', { value: 10 }), b.track(9000, 'purchase', { value: 10 })], { ...bought, seq: 0 }));

    const c = visit(start + 120_000);
    await ingest(server.url, makeBatch([...c.load(0, '/checkout'), c.field(1000, 'focus', '#email'), c.field(2000, 'change', '#email'), c.field(2500, 'blur', '#email'), c.field(3000, 'focus', '#card'), c.mutation(6000)], { ...formOnly, seq: 0 }));

    const d = visit(start + 180_000);
    await ingest(server.url, makeBatch([...d.load(0, '/product/7'), d.track(2000, 'add_to_cart', { value: 12 })], { ...paidOnServer, seq: 0 }));
    const serverKey = await makeServerKey(server);
    await sendEvents(server, serverKey, { id: 'order-77', name: 'purchase', sessionId: paidOnServer.sessionId, timestamp: start + 185_000, props: { orderId: '77', value: 12 } });
  });
  afterAll(async () => {
    await receiver.close();
    await server.close();
  });

  test('nothing is judged while sessions are younger than the idle timeout', async () => {
    expect(await closeIdleSessions(server.store, closerAt(defaultConfig.sessionIdleMs))).toBe(0);
    expect(await deliveryCount(server, hook.webhook.id)).toBe(0);
  });

  test('after the idle timeout: one cart_abandoned for the cart left behind, none for a purchase from page or backend, one form_abandoned', async () => {
    await sleep(SHORT_IDLE_MS + 10);
    expect(await closeIdleSessions(server.store, closerAt(SHORT_IDLE_MS))).toBe(4);
    const payloads = await deliverAll(server, receiver);
    const byType = (type: string) => payloads.filter((payload) => payload.type === type);

    expect(byType('cart_abandoned')).toHaveLength(1);
    const [cart] = byType('cart_abandoned');
    expect(cart.session!.id).toBe(abandoned.sessionId);
    expect(cart.data).toEqual({
      value: 24.75,
      items: [
        { value: 19.5, name: 'Lamp', sku: 'L-1', price: 19.5, quantity: 1 },
        { value: '5.25', productId: 'p-8', quantity: 3 },
      ],
      lastAddedAt: start + 8000,
    });
    // The second tab started 5 s in; its add_to_cart came 3 s after that.
    expect(replayQuery(cart)).toEqual({ session: abandoned.sessionId, t: '3000', window: abandoned.cartWindow });

    expect(byType('form_abandoned')).toHaveLength(1);
    const [form] = byType('form_abandoned');
    expect(form.session!.id).toBe(formOnly.sessionId);
    expect(form.data).toMatchObject({ form: '#checkout-form', page: '/checkout', lastField: { selector: '#card', name: 'card' }, fieldsTouched: 2 });
    expect(replayQuery(form)).toEqual({ session: formOnly.sessionId, t: '3000', window: formOnly.windowId });
    expect(payloads).toHaveLength(2);
  });

  test('a session is closed once: sweeping again, even later, enqueues nothing more', async () => {
    expect(await closeIdleSessions(server.store, closerAt(SHORT_IDLE_MS))).toBe(0);
    expect(await deliverAll(server, receiver)).toEqual([]);
    const rows = server.db.prepare("SELECT count(*) AS n FROM webhook_events WHERE type = 'cart_abandoned'").get() as { n: number };
    expect(rows.n).toBe(1);
  });

  test('a webhook added after a session closed never fires for it; deleting a session takes its events away', async () => {
    const late = await createWebhook(server, receiver.url, ['cart_abandoned']);
    expect(await closeIdleSessions(server.store, closerAt(SHORT_IDLE_MS))).toBe(0);
    expect(await deliveryCount(server, late.webhook.id)).toBe(0);

    const response = await adminFetch(`${server.url}/api/sessions/${abandoned.sessionId}`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    const left = server.db.prepare('SELECT count(*) AS n FROM webhook_events WHERE session_id = ?').get(abandoned.sessionId) as { n: number };
    expect(left.n).toBe(0);
    expect(await deliveryCount(server, hook.webhook.id)).toBe(1);
  });

  test('closing is guarded: a session that got a batch since it was read, or that another sweep closed, keeps its drafts out', async () => {
    const cartEvents = (sessionId: string) =>
      (server.db.prepare("SELECT count(*) AS n FROM webhook_events WHERE session_id = ? AND type = 'cart_abandoned'").get(sessionId) as { n: number }).n;
    const late = { sessionId: newId(), windowId: newId() };
    const twice = { sessionId: newId(), windowId: newId() };
    const v = visit(start + 300_000);
    await ingest(server.url, makeBatch([...v.load(0, '/product/7'), v.track(1000, 'add_to_cart', { value: 5 })], { ...late, seq: 0 }));
    await ingest(server.url, makeBatch([...v.load(0, '/product/9'), v.track(1000, 'add_to_cart', { value: 7 })], { ...twice, seq: 0 }));
    await sleep(SHORT_IDLE_MS + 10);

    const idleBefore = Date.now() - SHORT_IDLE_MS;
    const due = await server.store.idleSessions(idleBefore, 10, defaultCheckoutOptions);
    const closings = due.map(({ sessionId, projectId, wants, trackedEvents, formRows }) => ({
      sessionId,
      projectId,
      drafts: closingDrafts({ sessionId, trackedEvents, formRows }, wants),
    }));
    expect(closings.map((closing) => closing.sessionId).sort()).toEqual([late.sessionId, twice.sessionId].sort());
    expect(closings.every((closing) => closing.drafts.length === 1)).toBe(true);

    // The shopper came back between the read and the closing: the session is active again, so nothing is enqueued.
    await ingest(server.url, makeBatch([v.track(2000, 'purchase', { value: 5 })], { ...late, seq: 1 }));
    expect(await server.store.closeSessions(closings, idleBefore, Date.now())).toBe(1);
    expect(cartEvents(late.sessionId)).toBe(0);
    expect(cartEvents(twice.sessionId)).toBe(1);
    // A second sweep that read the same rows closes nothing and enqueues nothing.
    expect(await server.store.closeSessions(closings, idleBefore, Date.now())).toBe(0);
    expect(cartEvents(twice.sessionId)).toBe(1);
  });
});
