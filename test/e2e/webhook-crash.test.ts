/**
 * Webhooks survive a crash without repeating a finished delivery: the real server, in its own process, is SIGKILLed
 * while a receiver holds deliveries open; restarted on the same database it delivers every event, resends only the
 * ones whose answer it never recorded (with the same event id and body), and never again one recorded as delivered.
 * The receiver de-duplicates on Sightline-Event-Id, as docs/api.md tells receivers to, and so processes each event once.
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { DeliveryLog, WebhookCreated } from '../../contract/webhooks.ts';
import { verifySignature } from '../../server/webhooks/signing.ts';
import { makeBatch, newId, postBatch } from '../api/support.ts';
import { visit } from '../api/shop-events.ts';
import { startChildServer, type ChildServer } from '../helpers/child-server.ts';
import { ALLOW_LOCAL_RECEIVERS_ENV } from '../../support/outbound.ts';
import { adminFetch } from '../../support/server.ts';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

const dir = mkdtempSync(join(tmpdir(), 'sightline-webhooks-'));
/** Sessions with one rage burst each: one rage_click event each. */
const EVENTS = 6;
/** Requests the receiver answers before it starts holding them open. */
const ANSWERED_BEFORE_HOLD = 2;
const CONCURRENCY = 2;
const env = {
  SIGHTLINE_WEBHOOK_POLL_MS: '100',
  SIGHTLINE_WEBHOOK_CONCURRENCY: String(CONCURRENCY),
  SIGHTLINE_WEBHOOK_TIMEOUT_MS: '5000',
  // Short, so the restarted server retries the cut attempts a few seconds after it starts.
  SIGHTLINE_WEBHOOK_LEASE_MS: '6000',
  SIGHTLINE_PUBLIC_URL: 'https://sightline.test',
  ...ALLOW_LOCAL_RECEIVERS_ENV,
};

interface DeliveryRow {
  event_id: string;
  status: string;
  attempts: number;
}

function readDeliveries(dbPath: string): DeliveryRow[] {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT event_id, status, attempts FROM webhook_deliveries ORDER BY id').all() as DeliveryRow[];
  } finally {
    db.close();
  }
}

async function rageSession(url: string, index: number): Promise<void> {
  // Recent: the server runs as in production, with the production window of event times.
  const v = visit(Date.now() - 60 * 60_000 + index * 60_000);
  const events = [...v.load(0, '/checkout'), ...[1000, 1200, 1400, 1600].map((at) => v.click(at, '#pay')), v.mutation(8000)];
  const response = await postBatch(url, makeBatch(events, { sessionId: newId(), windowId: newId(), seq: 0 }));
  expect(response.status).toBe(200);
}

describe('e2e | webhook delivery across a crash', () => {
  const servers: ChildServer[] = [];
  let receiver: WebhookReceiver | undefined;

  afterAll(async () => {
    for (const server of servers) await server.kill('SIGKILL');
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGKILL mid-delivery: after a restart each event is processed exactly once and no finished delivery is resent', async () => {
    const dbPath = join(dir, 'hooks.db');
    // A receiver that processes each event id once (the first time it sees it) and answers 200 to repeats.
    const processed: string[] = [];
    let holding = true;
    receiver = await startWebhookReceiver((request) => {
      if (!processed.includes(request.eventId)) processed.push(request.eventId);
      return holding && request.index >= ANSWERED_BEFORE_HOLD ? 'hold' : 200;
    });

    const first = await startChildServer({ dbPath, env });
    servers.push(first);
    const created = await adminFetch(`${first.url}/api/webhooks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, events: ['rage_click'] }),
    });
    expect(created.status).toBe(201);
    const { webhook, secret } = (await created.json()) as WebhookCreated;
    for (let index = 0; index < EVENTS; index++) await rageSession(first.url, index);

    await expect.poll(() => receiver!.held(), { timeout: 15_000 }).toBe(CONCURRENCY);
    await first.kill('SIGKILL');
    expect(first.process.signalCode).toBe('SIGKILL');
    const receivedBeforeKill = receiver.requests.length;
    const heldAtKill = new Set(receiver.requests.slice(ANSWERED_BEFORE_HOLD).map((request) => request.eventId));

    const atKill = readDeliveries(dbPath);
    expect(atKill).toHaveLength(EVENTS);
    const doneAtKill = new Set(atKill.filter((row) => row.status === 'delivered').map((row) => row.event_id));
    const neverSent = atKill.filter((row) => row.attempts === 0).map((row) => row.event_id);
    // The kill landed mid-delivery: some deliveries recorded done, some in flight, some not yet tried.
    expect(doneAtKill.size).toBe(ANSWERED_BEFORE_HOLD);
    expect(heldAtKill.size).toBe(CONCURRENCY);
    expect(neverSent).toHaveLength(EVENTS - ANSWERED_BEFORE_HOLD - CONCURRENCY);

    holding = false;
    const second = await startChildServer({ dbPath, port: first.port, env });
    servers.push(second);
    await expect
      .poll(async () => {
        const response = await adminFetch(`${second.url}/api/webhooks/${webhook.id}/deliveries`);
        const { deliveries } = (await response.json()) as DeliveryLog;
        return deliveries.filter((delivery) => delivery.status === 'delivered').length;
      }, { timeout: 30_000, interval: 250 })
      .toBe(EVENTS);
    // Long enough for several more polls: nothing delivered is sent again.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const all = receiver.requests;
    const eventIds = atKill.map((row) => row.event_id);
    const afterKill = all.slice(receivedBeforeKill);
    console.log(
      `webhooks across SIGKILL: ${EVENTS} events; ${doneAtKill.size} recorded delivered before the kill, ${heldAtKill.size} in flight, ` +
        `${neverSent.length} not yet tried; ${afterKill.length} requests after the restart, ${all.length} in all`,
    );

    expect([...processed].sort()).toEqual([...eventIds].sort());
    expect(afterKill.filter((request) => doneAtKill.has(request.eventId))).toEqual([]);
    // The only repeats are of the requests in flight at the kill, each sent once more.
    const seenBeforeKill = new Set(all.slice(0, receivedBeforeKill).map((request) => request.eventId));
    const repeats = afterKill.filter((request) => seenBeforeKill.has(request.eventId));
    expect(new Set(repeats.map((request) => request.eventId))).toEqual(heldAtKill);
    expect(repeats).toHaveLength(CONCURRENCY);
    expect(all).toHaveLength(EVENTS + CONCURRENCY);

    // Every request is signed with the webhook's secret, and a resend is the same event: same id, same body.
    const bodies = new Map<string, string>();
    for (const request of all as ReceivedRequest[]) {
      expect(verifySignature(secret, request.signature, request.body, request.at)).toBe(true);
      const body = bodies.get(request.eventId) ?? request.body;
      expect(request.body).toBe(body);
      bodies.set(request.eventId, body);
    }
    const final = readDeliveries(dbPath);
    expect(final.every((row) => row.status === 'delivered')).toBe(true);
    expect(final.filter((row) => heldAtKill.has(row.event_id)).map((row) => row.attempts)).toEqual([2, 2]);
  }, 90_000);
});
