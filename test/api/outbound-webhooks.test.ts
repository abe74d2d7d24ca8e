/**
 * Webhooks cannot reach what the server can reach: every internal spelling of the shared table is refused when
 * the webhook is added (400) and again at delivery (no request, a clear log entry), including a host whose DNS moves
 * inward after it was added and one that rebinds between the check and the connection. The allow-list lets a
 * listed internal receiver through and nothing else; a redirect is never followed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { DeliveryLog, DeliveryLogEntry } from '../../contract/webhooks.ts';
import { defaultConfig, type Config } from '../../server/config.ts';
import type { Resolver } from '../../server/outbound/policy.ts';
import { createWebhookDispatcher } from '../../server/webhooks/dispatcher.ts';
import { findFreePort } from '../helpers/child-server.ts';
import { INTERNAL_NAMES, INTERNAL_TARGETS } from '../helpers/internal-targets.ts';
import { changingResolver, PUBLIC_TEST_ADDRESS, testResolver } from '../../support/outbound.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { expectApiError } from './support.ts';

function postWebhook(server: TestServer, url: string): Promise<Response> {
  return adminFetch(`${server.url}/api/webhooks`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ url, events: ['rage_click'] }),
  });
}

function demoProjectId(server: TestServer): number {
  return (server.db.prepare("SELECT id FROM projects WHERE key = 'demo'").get() as { id: number }).id;
}

/** Stores a webhook as an older server (or a DNS change) could have left it, without the creation check. */
async function storeWebhook(server: TestServer, url: string): Promise<number> {
  const webhook = await server.store.createWebhook({ projectId: demoProjectId(server), url, events: ['rage_click'], secret: 'whsec_test', createdAt: Date.now() });
  return webhook.id;
}

async function queueTest(server: TestServer, webhookId: number): Promise<void> {
  expect((await adminFetch(`${server.url}/api/webhooks/${webhookId}/test`, { method: 'POST' })).status).toBe(202);
}

async function lastDelivery(server: TestServer, webhookId: number): Promise<DeliveryLogEntry> {
  const response = await adminFetch(`${server.url}/api/webhooks/${webhookId}/deliveries`);
  const [entry] = ((await response.json()) as DeliveryLog).deliveries;
  return entry!;
}

async function deliverDue(server: TestServer): Promise<number> {
  const dispatcher = createWebhookDispatcher(server.store, {
    ...defaultConfig.webhooks,
    concurrency: 16,
    timeoutMs: 1000,
    leaseMs: 5000,
    backoffBaseMs: 60_000,
    jitterRatio: 0,
    publicUrl: server.url,
    outbound: server.outbound,
  });
  return dispatcher.runOnce();
}

/** A resolver for the made-up names of the table, with some names answered by their own resolvers. */
function resolverWith(special: Record<string, Resolver>): Resolver {
  const rest = testResolver(INTERNAL_NAMES);
  return (hostname) => (special[hostname] ?? rest)(hostname);
}

describe('webhooks | internal receivers refused by default', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  // The first lookup (when the webhook is added) is public; every later one is loopback.
  const moving = changingResolver([PUBLIC_TEST_ADDRESS], ['127.0.0.1']);
  beforeAll(async () => {
    // Every local address, IPv4 and IPv6: a spelling that slipped through would reach it.
    receiver = await startWebhookReceiver(() => 200, { host: '::' });
    server = await startTestServer({}, { resolveHost: resolverWith({ 'moving.example': moving }) });
  });
  afterEach(() => {
    expect(receiver.requests).toEqual([]);
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  test.each(INTERNAL_TARGETS.map((target) => [target.label, target.host] as const))('POST refuses %s with 400 forbidden_address', async (_label, host) => {
    const error = await expectApiError(await postWebhook(server, `http://${host}:${receiver.port}/hook`), 400, 'forbidden_address');
    expect(error.message).toMatch(/^url: /);
    expect(error.message).toContain('SIGHTLINE_OUTBOUND_ALLOW');
  });

  test('POST refuses a host that does not resolve with 400 unresolvable_host', async () => {
    const server2 = await startTestServer({}, { resolveHost: testResolver({ 'gone.example': [] }) });
    try {
      await expectApiError(await postWebhook(server2, 'https://gone.example/hook'), 400, 'unresolvable_host');
    } finally {
      await server2.close();
    }
  });

  test('the refusal is the same whether something listens at the address or not', async () => {
    const closedPort = await findFreePort();
    const listening = await (await postWebhook(server, `http://127.0.0.1:${receiver.port}/hook`)).json();
    const closed = await (await postWebhook(server, `http://127.0.0.1:${closedPort}/hook`)).json();
    expect(listening).toEqual(closed);
  });

  test('delivery refuses every internal spelling again: the receiver gets nothing, the log says why', async () => {
    const ids = new Map<string, number>();
    for (const { label, host } of INTERNAL_TARGETS) {
      const id = await storeWebhook(server, `http://${host}:${receiver.port}/hook`);
      ids.set(label, id);
      await queueTest(server, id);
    }
    // Enough rounds for every queued delivery at 16 per round.
    while ((await deliverDue(server)) > 0);
    for (const [label, id] of ids) {
      const entry = await lastDelivery(server, id);
      expect({ label, status: entry.status, attempts: entry.attempts, lastStatus: entry.lastStatus, error: entry.lastError?.split(':')[0] }).toEqual({
        label,
        status: 'pending',
        attempts: 1,
        lastStatus: null,
        error: 'not sent, forbidden_address',
      });
    }
    // Below the per-project limit again for the next test.
    for (const id of ids.values()) await server.store.deleteWebhook(demoProjectId(server), id);
  });

  test('a host whose DNS moves to loopback after the webhook was added is refused at delivery', async () => {
    const created = await postWebhook(server, `http://moving.example:${receiver.port}/hook`);
    expect(created.status).toBe(201);
    const { webhook } = (await created.json()) as { webhook: { id: number } };
    await queueTest(server, webhook.id);
    expect(await deliverDue(server)).toBe(1);
    expect((await lastDelivery(server, webhook.id)).lastError).toBe(
      'not sent, forbidden_address: "moving.example" is or resolves to an internal address (loopback, private, link-local, shared, multicast or reserved); Sightline connects only to public addresses unless SIGHTLINE_OUTBOUND_ALLOW lists the host',
    );
    expect(moving.calls).toEqual(['moving.example', 'moving.example']);
  });
});

describe('webhooks | the allow-list and redirects', () => {
  /** On every local address. */
  let receiver: WebhookReceiver;
  /** On 127.0.0.1 only. */
  let other: WebhookReceiver;
  const servers: TestServer[] = [];
  async function serverAllowing(allow: string[], resolveHost: Resolver = testResolver(INTERNAL_NAMES)): Promise<TestServer> {
    const overrides: Partial<Config> = { outbound: { allow } };
    const server = await startTestServer(overrides, { resolveHost });
    servers.push(server);
    return server;
  }
  beforeAll(async () => {
    receiver = await startWebhookReceiver(() => 200, { host: '::' });
    other = await startWebhookReceiver();
  });
  afterEach(() => {
    receiver.requests.length = 0;
    other.requests.length = 0;
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await receiver.close();
    await other.close();
  });

  test('an allowed address is delivered to; other loopback spellings and addresses still are not', async () => {
    const server = await serverAllowing(['127.0.0.1']);
    const allowed = await postWebhook(server, `http://127.0.0.1:${receiver.port}/hook`);
    expect(allowed.status).toBe(201);
    const { webhook } = (await allowed.json()) as { webhook: { id: number } };
    await queueTest(server, webhook.id);
    expect(await deliverDue(server)).toBe(1);
    expect((await lastDelivery(server, webhook.id)).status).toBe('delivered');
    expect(receiver.requests).toHaveLength(1);

    // localhost is 127.0.0.1 and ::1, and ::1 is not listed.
    for (const host of ['[::1]', '127.0.0.2', 'localhost', '10.0.0.1', '169.254.169.254', 'v6-loopback.example', 'private.example']) {
      await expectApiError(await postWebhook(server, `http://${host}:${receiver.port}/hook`), 400, 'forbidden_address');
    }
    expect(receiver.requests).toHaveLength(1);
  });

  test('an allowed host name is delivered to whatever it resolves to; another name for the same address is not', async () => {
    const server = await serverAllowing(['hooks.internal'], testResolver({ 'hooks.internal': ['127.0.0.1'], 'other.internal': ['127.0.0.1'] }));
    const { webhook } = (await (await postWebhook(server, `http://hooks.internal:${receiver.port}/hook`)).json()) as { webhook: { id: number } };
    await queueTest(server, webhook.id);
    expect(await deliverDue(server)).toBe(1);
    expect((await lastDelivery(server, webhook.id)).status).toBe('delivered');
    expect(receiver.requests).toHaveLength(1);
    await expectApiError(await postWebhook(server, `http://other.internal:${receiver.port}/hook`), 400, 'forbidden_address');
    await expectApiError(await postWebhook(server, `http://127.0.0.1:${receiver.port}/hook`), 400, 'forbidden_address');
  });

  test('a host that rebinds between the check and the connection is connected to at the checked address only', async () => {
    // 127.0.0.2 stands for the public first answer (allowed here, so nothing leaves the machine); the receiver
    // listens on 127.0.0.1 only, the answer to every lookup after the check. A client that looked the name up again
    // to connect would reach it; a pinned one connects to 127.0.0.2, where nothing listens.
    const rebinding = changingResolver(['127.0.0.2'], ['127.0.0.2'], ['127.0.0.1']);
    const server = await serverAllowing(['127.0.0.2'], rebinding);
    const { webhook } = (await (await postWebhook(server, `http://rebind.example:${other.port}/hook`)).json()) as { webhook: { id: number } };
    await queueTest(server, webhook.id);
    expect(await deliverDue(server)).toBe(1);
    expect(await lastDelivery(server, webhook.id)).toMatchObject({ status: 'pending', lastError: 'request failed: ECONNREFUSED' });
    expect(rebinding.calls).toHaveLength(2);
    expect(other.requests).toEqual([]);
  });

  test('a receiver answering 302 to another receiver: a failed attempt, and the other receiver sees nothing', async () => {
    const server = await serverAllowing(['127.0.0.1']);
    const redirecting = await startRedirectingReceiver(other.url);
    try {
      const { webhook } = (await (await postWebhook(server, redirecting.url)).json()) as { webhook: { id: number } };
      await queueTest(server, webhook.id);
      expect(await deliverDue(server)).toBe(1);
      expect(redirecting.hits()).toBe(1);
      expect(await lastDelivery(server, webhook.id)).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 302, lastError: 'HTTP 302' });
      expect(other.requests).toEqual([]);
    } finally {
      await redirecting.close();
    }
  });
});

/** A receiver that answers every request with 302 to `location`. */
async function startRedirectingReceiver(location: string): Promise<{ url: string; hits(): number; close(): Promise<void> }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(302, { Location: location }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
