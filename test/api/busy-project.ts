/**
 * A project with a row in every table a report reads, and every read route of the API: for the tests that write
 * values straight into the database and check that every route still answers (stored-extremes.test.ts).
 */
import { expect } from 'vitest';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { makeServerKey, sendEvents } from './server-event-support.ts';
import { visit } from './shop-events.ts';
import { ingest, makeBatch, newId } from './support.ts';

export const BUSY_START = Date.UTC(2024, 6, 1, 10);
/** The page key of the product page the recording opens on. */
export const BUSY_PAGE = '/product/:id';

/** A shopper who browses, hammers a button, fills and submits a form, tracks a cart and an order, and errs. */
export function busyRecording(start: number): RecordedEvent[] {
  const v = visit(start);
  return [
    ...v.load(0, '/product/7'),
    { type: 5, data: { tag: 'sl:identify', payload: { userId: 'u-1', traits: { plan: 'gold' } } }, timestamp: v.ts(5) },
    v.click(1000, '#buy', { ox: 0.2, oy: 0.3 }),
    v.click(1200, '#buy'),
    v.click(1400, '#buy'),
    v.mutation(1500),
    v.click(4000, '#banner'),
    ...Array.from({ length: 20 }, (_, i) => v.move(5000 + i * 20, 30 + i, 40 + i)),
    v.scroll(5500, 900),
    v.track(6000, 'add_to_cart', { value: 19.5 }),
    ...v.load(7000, '/checkout'),
    v.field(7500, 'focus', '#email'),
    v.field(8000, 'change', '#email'),
    v.submit(8500),
    v.error(8600, 'TypeError: boom'),
    v.track(9000, 'purchase', { value: 19.5, orderId: 'A-1' }),
    v.mutation(15_000),
  ];
}

export interface ReadRoute {
  path: string;
  /** Sent as a JSON POST when present. */
  body?: unknown;
  /** The one 4xx code the route may answer with instead of 200 (a snapshot that is gone). */
  refusal?: string;
}

/** Every read route of the API, with the parameters that reach the most code. */
function readRoutes(sessionId: string, funnelId: number, webhookId: number): ReadRoute[] {
  const range = `from=0&to=${Date.UTC(2030, 0, 1)}`;
  const page = `page=${BUSY_PAGE}`;
  const steps = [{ type: 'page', pattern: '/product/*' }, { type: 'event', name: 'add_to_cart' }, { type: 'event', name: 'purchase' }];
  return [
    { path: '/api/sessions' },
    { path: `/api/sessions?${range}&minDurationMs=1&hasRage=true&abandonedForm=false&event=purchase&url=product` },
    // A saved funnel whose steps were edited into something else has none: asking for its step 1 is refused.
    { path: `/api/sessions?funnel=${funnelId}&droppedAtStep=1`, refusal: 'invalid_query' },
    { path: `/api/sessions/${sessionId}` },
    { path: `/api/sessions/${sessionId}/events` },
    { path: `/api/sessions/${sessionId}/export` },
    ...['click', 'rage', 'dead', 'error', 'move'].map((kind) => ({ path: `/api/heatmaps?${page}&kind=${kind}` })),
    { path: `/api/heatmaps?${page}&${range}` },
    { path: '/api/heatmaps/pages' },
    { path: `/api/heatmaps/pages?${range}` },
    { path: `/api/heatmaps/snapshot?${page}`, refusal: 'snapshot_not_found' },
    { path: `/api/scrollmap?${page}` },
    { path: `/api/scrollmap?${page}&${range}&device=desktop` },
    { path: '/api/forms' },
    { path: `/api/forms?${range}&device=desktop` },
    { path: '/api/metrics' },
    { path: `/api/metrics?${range}` },
    { path: '/api/metrics?device=desktop' },
    { path: '/api/funnels' },
    { path: '/api/funnels/query', body: { steps } },
    { path: '/api/funnels/query', body: { steps, from: 0, to: Date.UTC(2030, 0, 1), device: 'desktop' } },
    { path: '/api/deletions' },
    { path: '/api/webhooks' },
    { path: `/api/webhooks/${webhookId}/deliveries` },
    { path: '/api/projects' },
    { path: '/api/settings/page-patterns' },
    { path: '/api/settings/retention' },
    { path: '/api/settings/assets' },
    { path: '/api/me' },
  ];
}

export interface BusyProject {
  server: TestServer;
  sessionId: string;
  windowId: string;
  routes: ReadRoute[];
}

/**
 * A test server holding the recording in two batches, a deleted session (a deletion log line), a backend's order,
 * refund and cart without a session, a saved funnel, a webhook with one delivery, and proxy mode on (so the routes
 * that serve events rewrite them).
 */
export async function startBusyProject(): Promise<BusyProject> {
  const server = await startTestServer();
  const sessionId = newId();
  const windowId = newId();
  const events = busyRecording(BUSY_START);
  const half = Math.ceil(events.length / 2);
  await ingest(server.url, makeBatch(events.slice(0, half), { sessionId, windowId, seq: 0 }));
  await ingest(server.url, makeBatch(events.slice(half), { sessionId, windowId, seq: 1 }));
  const gone = newId();
  await ingest(server.url, makeBatch(busyRecording(BUSY_START + 60_000), { sessionId: gone }));
  expect((await adminFetch(`${server.url}/api/sessions/${gone}`, { method: 'DELETE' })).status).toBe(204);
  const key = await makeServerKey(server);
  await sendEvents(server, key, {
    events: [
      { id: newId(), name: 'purchase', sessionId, timestamp: BUSY_START + 9500, props: { value: 10, orderId: 'A-1' } },
      { id: newId(), name: 'refund', userId: 'u-2', timestamp: BUSY_START + 9600, props: { value: 5, orderId: 'B-9' } },
      { id: newId(), name: 'add_to_cart', userId: 'u-3', timestamp: BUSY_START + 9700 },
    ],
  });
  const funnel = await adminFetch(`${server.url}/api/funnels`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Buy', steps: [{ type: 'page', pattern: '/product/*' }, { type: 'event', name: 'purchase' }] }),
  });
  const { id: funnelId } = (await funnel.json()) as { id: number };
  // Written as the outbox writes them: no receiver is needed for the log to have something to show.
  const webhookId = Number(
    server.db
      .prepare(`INSERT INTO webhooks (project_id, url, events, secret, created_at) VALUES (1, 'https://hooks.example/x', '["rage_click"]', 's', ?)`)
      .run(BUSY_START).lastInsertRowid,
  );
  server.db
    .prepare(`INSERT INTO webhook_events (id, project_id, type, created_at, session_id, data) VALUES ('e1', 1, 'rage_click', ?, ?, '{}')`)
    .run(BUSY_START, sessionId);
  server.db
    .prepare('INSERT INTO webhook_deliveries (event_id, webhook_id, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
    .run('e1', webhookId, BUSY_START, BUSY_START, BUSY_START);
  server.db.prepare(`UPDATE projects SET asset_mode = 'proxy', asset_origins = '["https://shop.test"]'`).run();
  return { server, sessionId, windowId, routes: readRoutes(sessionId, funnelId, webhookId) };
}

/** GETs (or POSTs, with a body) one route as the admin: its status and body text. */
export async function callRoute(server: TestServer, route: ReadRoute): Promise<{ name: string; status: number; text: string }> {
  const init: RequestInit = route.body
    ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(route.body) }
    : {};
  const response = await adminFetch(`${server.url}${route.path}`, init);
  const name = `${init.method ?? 'GET'} ${route.path}${route.body ? ` ${JSON.stringify(route.body)}` : ''}`;
  return { name, status: response.status, text: await response.text() };
}
