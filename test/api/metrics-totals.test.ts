/**
 * GET /api/metrics reads per-day checkout totals that triggers keep (migration 19). Its answers must equal the
 * computation it made before, over every session in range and each of its cart, purchase and refund events
 * (test/helpers/checkout-reference.ts). The random shoppers span days and tabs, send batches out of order (a
 * session's start moves earlier, even to the day before, and its device changes), put values of every kind in their
 * carts, share order ids across sessions, and are joined by a backend reporting orders and refunds for known
 * sessions, sessions not recorded yet and users only; ranges start and end inside days. Then a third are deleted.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { computeCheckoutMetrics } from '../../server/analytics/checkout-metrics.ts';
import type { MetricsResponse } from '../../contract/insights.ts';
import type { IngestBatch, RecordedEvent } from '../../contract/protocol.ts';
import type { DeviceClass } from '../../contract/vocabulary.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { checkoutReferenceRows, type ReferenceRange } from '../helpers/checkout-reference.ts';
import { pick, randomInt, seededRandom } from '../helpers/random-funnels.ts';
import { identifyEvent, makeServerKey, sendEvents } from './server-event-support.ts';
import { ingest, makeBatch, newId } from './support.ts';
import { visit } from './shop-events.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Midnight UTC of the first of the four days the shoppers visit on. */
const BASE = Date.UTC(2024, 9, 7);
const WIDTHS = [1280, 820, 390];
/** Cart and order values as stores and scripts send them: cents, numeric strings, junk, nothing. */
const VALUES: unknown[] = [19.99, 5, 0.1, 0.2, 120.5, '12.30', ' 7 ', '', 'free', null, { amount: 3 }, -4, 1e3];
/** Few ids, so that orders are often reported twice, by another session or by the backend; numbers and strings. */
const ORDER_IDS: unknown[] = ['A-1', 'A-2', 'A-3', 1001, '1001', 1002, undefined];

function props(random: () => number): Record<string, unknown> {
  const value = pick(random, VALUES);
  const orderId = pick(random, ORDER_IDS);
  return { ...(value !== null || random() < 0.5 ? { value } : {}), ...(orderId !== undefined ? { orderId } : {}) };
}

/** One tab: a page load, then carts, purchases and refunds a minute apart. */
function randomTab(random: () => number, start: number): RecordedEvent[] {
  const v = visit(start, pick(random, WIDTHS));
  const events: RecordedEvent[] = [...v.load(0, '/shop')];
  for (let action = randomInt(random, 0, 5), at = 60_000; action > 0; action--, at += 60_000) {
    const name = random() < 0.55 ? 'add_to_cart' : random() < 0.75 ? 'purchase' : 'refund';
    events.push(v.track(at, name, props(random)));
  }
  return events;
}

interface Shopper {
  sessionId: string;
  /** Batches in the order sent: a later tab's first, so the session's start moves earlier. */
  batches: IngestBatch[];
}

function randomShopper(random: () => number, userId: string | null): Shopper {
  const sessionId = newId();
  // Some start late in the evening: an earlier tab then moves them to the day before.
  const start = BASE + randomInt(random, 0, 3) * DAY + (random() < 0.2 ? 23 * HOUR + 50 * 60_000 : randomInt(random, 0, 22) * HOUR);
  const tabs = Array.from({ length: randomInt(random, 1, 2) }, (_, tab) => {
    const events = randomTab(random, start + (tab === 0 ? 0 : randomInt(random, -30, 30) * 60_000));
    if (userId !== null && tab === 0) events.push(identifyEvent(events[0]!.timestamp + 30_000, userId));
    const cut = randomInt(random, 1, events.length);
    const windowId = newId();
    return [events.slice(0, cut), events.slice(cut)]
      .filter((part) => part.length > 0)
      .map((part, seq) => makeBatch(part, { sessionId, windowId, seq }));
  });
  return { sessionId, batches: random() < 0.5 ? tabs.flat() : tabs.reverse().flat() };
}

describe('GET /api/metrics over per-day totals', () => {
  let server: TestServer;
  const random = seededRandom(20_241_007);
  /** Some shoppers sign in: u1 is also named by backend events, ERASED's sessions are erased at the end. */
  const ERASED = 'erase-me';
  const userOf = (index: number) => (index % 7 === 1 ? 'u1' : index % 11 === 2 ? ERASED : null);
  const shoppers = Array.from({ length: 70 }, (_, index) => randomShopper(random, userOf(index)));

  function randomRange(): ReferenceRange {
    const range: ReferenceRange = {};
    // Whole days, and ranges that start or end inside one (a viewer's local midnight is not UTC's).
    const at = () => BASE + randomInt(random, -1, 4) * DAY + (random() < 0.5 ? 0 : randomInt(random, 1, 23) * HOUR);
    if (random() < 0.6) range.from = at();
    if (random() < 0.6) range.to = at() - (random() < 0.5 ? 1 : 0);
    if (range.from !== undefined && range.to !== undefined && range.from > range.to) [range.from, range.to] = [range.to, range.from];
    if (random() < 0.3) range.device = pick(random, ['desktop', 'tablet', 'mobile'] as const satisfies DeviceClass[]);
    return range;
  }

  async function metrics(range: ReferenceRange): Promise<MetricsResponse> {
    const query = new URLSearchParams(Object.entries(range).map(([key, value]) => [key, String(value)]));
    const response = await adminFetch(`${server.url}/api/metrics?${query}`);
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body as MetricsResponse;
  }

  async function expectAgree(ranges: ReferenceRange[]): Promise<void> {
    for (const range of ranges) {
      const { days, events } = checkoutReferenceRows(server.db, 1, range);
      const expected = computeCheckoutMetrics(days, events);
      expect(await metrics(range), JSON.stringify(range)).toEqual({ from: range.from ?? null, to: range.to ?? null, ...expected });
    }
  }

  /** The totals tables against a recount from the sessions and their tracked events. */
  function expectTotalsRecounted(): void {
    const kept = server.db
      .prepare('SELECT project_id, day, device, sessions, cart_sessions, round(cart_value, 6) AS cart_value FROM checkout_days ORDER BY 1, 2, 3')
      .all();
    const recounted = server.db
      .prepare(`
        SELECT s.project_id, s.started_at / 86400000 AS day, s.device, count(*) AS sessions, count(c.session_id) AS cart_sessions,
          round(total(c.value), 6) AS cart_value
        FROM sessions s LEFT JOIN (
          SELECT session_id, total(sightline_money(CASE WHEN json_valid(props) THEN json_extract(props, '$.props.value') END)) AS value
          FROM custom_events WHERE tag = 'sl:track' AND name = 'add_to_cart' GROUP BY session_id
        ) c ON c.session_id = s.id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
      .all();
    expect(kept).toEqual(recounted);
    const orders = `SELECT event_id, project_id, session_id, started_at, device, ts, refund, source, value, order_key,
      round(cart_value, 6) FROM order_events ORDER BY 1`;
    const events = `
      SELECT e.id, s.project_id, s.id, s.started_at, s.device, e.ts, e.name = 'refund', e.source,
        sightline_money(CASE WHEN json_valid(e.props) THEN json_extract(e.props, '$.props.value') END),
        sightline_order_key(CASE WHEN json_valid(e.props) THEN json_extract(e.props, '$.props.orderId') END),
        (SELECT round(total(sightline_money(CASE WHEN json_valid(c.props) THEN json_extract(c.props, '$.props.value') END)), 6)
          FROM custom_events c WHERE c.session_id = s.id AND c.tag = 'sl:track' AND c.name = 'add_to_cart'
          HAVING count(*) > 0)
      FROM custom_events e JOIN sessions s ON s.id = e.session_id
      WHERE e.tag = 'sl:track' AND e.name IN ('purchase', 'refund') ORDER BY 1`;
    expect(server.db.prepare(orders).raw().all()).toEqual(server.db.prepare(events).raw().all());
  }

  beforeAll(async () => {
    server = await startTestServer();
    const key = await makeServerKey(server);
    const backend = (sessionId: string | undefined, userId?: string) => ({
      id: newId(),
      name: random() < 0.7 ? 'purchase' : 'refund',
      ...(sessionId ? { sessionId } : { userId }),
      timestamp: BASE + randomInt(random, 0, 95) * HOUR,
      props: props(random),
    });
    // Before their sessions: kept aside until the session's first batch arrives.
    await sendEvents(server, key, { events: shoppers.slice(0, 10).map((shopper) => backend(shopper.sessionId)) });
    for (const shopper of shoppers) for (const batch of shopper.batches) await ingest(server.url, batch);
    // After: attached at once; and some for users no recorded session names.
    await sendEvents(server, key, {
      events: [...shoppers.slice(5, 25).map((shopper) => backend(shopper.sessionId)), ...['u1', 'u2', 'u3'].map((user) => backend(undefined, user))],
    });
  }, 60_000);
  afterAll(() => server.close());

  test('the dataset has what the totals must get right', () => {
    const count = (sql: string) => server.db.prepare(sql).pluck().get() as number;
    expect(count("SELECT count(*) FROM custom_events WHERE name = 'add_to_cart'")).toBeGreaterThan(40);
    expect(count("SELECT count(*) FROM custom_events WHERE name = 'purchase' AND source = 'server'")).toBeGreaterThan(5);
    expect(count('SELECT count(*) FROM server_events WHERE attached = 0')).toBeGreaterThan(0);
    expect(count('SELECT count(DISTINCT started_at / 86400000) FROM sessions')).toBeGreaterThanOrEqual(4);
  });

  test('every day and device row equals a recount of its sessions and carts', () => {
    expectTotalsRecounted();
  });

  test('answers as the computation over every event did, for every device and whole or part days', async () => {
    await expectAgree([{}, { device: 'mobile' }, { from: BASE + DAY, to: BASE + 2 * DAY - 1 }, ...Array.from({ length: 40 }, randomRange)]);
  });

  test('still agrees after a third of the sessions are deleted, and after a user is erased', async () => {
    for (const shopper of shoppers.filter((_, index) => index % 3 === 0)) {
      expect((await adminFetch(`${server.url}/api/sessions/${shopper.sessionId}`, { method: 'DELETE' })).status).toBe(204);
    }
    const erased = await adminFetch(`${server.url}/api/users/${ERASED}`, { method: 'DELETE' });
    expect(((await erased.json()) as { deletedSessions: number }).deletedSessions).toBeGreaterThan(0);
    expectTotalsRecounted();
    await expectAgree([{}, ...Array.from({ length: 15 }, randomRange)]);
  });
});
