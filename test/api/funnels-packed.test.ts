/**
 * The funnel routes read timelines that triggers pack at ingest (migration 6). Here they must agree with the
 * straightforward computation over the rows themselves, as the funnel read them before: every page view and tracked
 * event of the sessions in range, page views before events, each in the order stored, then sorted by time.
 * The random sessions span tabs and batches, arrive out of order (a session's start moves earlier, its device
 * changes), name a page view only in a later batch, and tie on time; then a third of them are deleted.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { computeFunnel, type SessionTimeline, type TimelineEntry } from '../../server/analytics/funnel.ts';
import type { FunnelQueryResponse, FunnelStep, SavedFunnel } from '../../contract/insights.ts';
import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { SessionList } from '../../contract/api.ts';
import type { IngestBatch, RecordedEvent } from '../../contract/protocol.ts';
import type { Database } from '../../server/storage/db.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import {
  EVENT_NAMES,
  PATHS,
  pick,
  randomInt,
  randomSteps,
  seededRandom,
  TIME_GRID_MS,
  WINDOWS_MS,
} from '../helpers/random-funnels.ts';
import { ingest, makeBatch, newId } from './support.ts';
import { visit } from './shop-events.ts';

const HOUR = 3_600_000;
const BASE = Date.UTC(2024, 8, 2, 6);
const WIDTHS = [1280, 820, 390];

interface Range {
  from?: number;
  to?: number;
  device?: DeviceClass;
}

/** One tab's events: page loads and tracked events on the time grid, sometimes opened before any navigation. */
function randomWindow(random: () => number, start: number): RecordedEvent[] {
  const v = visit(start, pick(random, WIDTHS));
  const events: RecordedEvent[] = random() < 0.2 ? [v.mutation(0)] : [];
  let at = randomInt(random, 0, 2) * TIME_GRID_MS;
  for (let action = randomInt(random, 1, 8); action > 0; action--) {
    if (random() < 0.6) events.push(...v.load(at, pick(random, PATHS)));
    else events.push(v.track(at, pick(random, EVENT_NAMES)));
    at += randomInt(random, 0, 3) * TIME_GRID_MS;
  }
  return events;
}

/** A session's batches in the order they are sent: each tab cut into one to three batches, tabs in random order. */
function randomSession(random: () => number): IngestBatch[] {
  const sessionId = newId();
  const start = BASE + randomInt(random, 0, 5) * HOUR + randomInt(random, 0, 59) * 60_000;
  const tabs = Array.from({ length: randomInt(random, 1, 2) }, (_, tab) => {
    const windowId = newId();
    const events = randomWindow(random, start + tab * randomInt(random, 0, 20) * TIME_GRID_MS);
    // The first cut keeps a lone opening mutation apart, so its page view is named by the next batch.
    const cuts = [...new Set([events.length > 1 && events[0].type === 3 ? 1 : 0, randomInt(random, 0, events.length)])].sort((a, b) => a - b);
    const parts = [...cuts, events.length].map((end, index) => events.slice(index === 0 ? 0 : cuts[index - 1], end)).filter((part) => part.length > 0);
    return parts.map((part, seq) => makeBatch(part, { sessionId, windowId, seq }));
  });
  return random() < 0.5 ? tabs.flat() : tabs.reverse().flat();
}

/** The straightforward reading: every session in range with all its page views and tracked events. */
function storedTimelines(db: Database, range: Range): SessionTimeline[] {
  const sessions = db
    .prepare<[number, number], { id: string; device: DeviceClass }>('SELECT id, device FROM sessions WHERE started_at BETWEEN ? AND ?')
    .all(range.from ?? -Number.MAX_SAFE_INTEGER, range.to ?? Number.MAX_SAFE_INTEGER)
    .filter((session) => range.device === undefined || session.device === range.device);
  const entries = new Map<string, TimelineEntry[]>(sessions.map((session) => [session.id, []]));
  for (const view of db.prepare<[], { session_id: string; ts: number; url: string }>('SELECT session_id, ts, url FROM page_views ORDER BY id').all()) {
    entries.get(view.session_id)?.push({ ts: view.ts, kind: 'page', url: view.url });
  }
  const tracked = db.prepare<[], { session_id: string; ts: number; name: string }>(
    "SELECT session_id, ts, name FROM custom_events WHERE tag = 'sl:track' ORDER BY id",
  );
  for (const event of tracked.all()) entries.get(event.session_id)?.push({ ts: event.ts, kind: 'event', name: event.name });
  return [...entries].map(([sessionId, list]) => ({ sessionId, entries: list }));
}

describe('funnels over packed timelines', () => {
  let server: TestServer;
  const random = seededRandom(20_240_902);
  const sessions = Array.from({ length: 60 }, () => randomSession(random));

  function randomRange(): Range {
    const range: Range = {};
    if (random() < 0.4) range.from = BASE + randomInt(random, 0, 5) * HOUR;
    if (random() < 0.4) range.to = BASE + randomInt(random, 1, 6) * HOUR;
    if (range.from !== undefined && range.to !== undefined && range.from > range.to) [range.from, range.to] = [range.to, range.from];
    if (random() < 0.3) range.device = pick(random, ['desktop', 'tablet', 'mobile'] as const);
    return range;
  }

  async function postJson<T>(path: string, body: unknown): Promise<T> {
    const response = await adminFetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    expect(response.status, JSON.stringify(json)).toBeLessThan(300);
    return json as T;
  }

  async function expectQueriesAgree(runs: number): Promise<void> {
    for (let run = 0; run < runs; run++) {
      const steps = randomSteps(random);
      const windowMs = pick(random, WINDOWS_MS);
      const range = randomRange();
      const answer = await postJson<FunnelQueryResponse>('/api/funnels/query', { steps, windowMs, ...range });
      const expected = computeFunnel(storedTimelines(server.db, range), steps, windowMs);
      expect(answer, JSON.stringify({ steps, windowMs, range })).toEqual({ windowMs, ...expected });
    }
  }

  /** The session list's funnel filter against the sessions that reached each step in the straightforward reading. */
  async function expectFilterAgrees(steps: FunnelStep[], windowMs: number): Promise<void> {
    const funnel = await postJson<SavedFunnel>('/api/funnels', { name: 'random', steps, windowMs });
    const expected = computeFunnel(storedTimelines(server.db, {}), steps, windowMs, { maxDroppedListed: Infinity });
    for (let step = 1; step < steps.length; step++) {
      const response = await adminFetch(`${server.url}/api/sessions?funnel=${funnel.id}&droppedAtStep=${step}&limit=200`);
      const listed = ((await response.json()) as SessionList).sessions.map((session) => session.id).sort();
      expect(listed, `dropped at ${step} of ${JSON.stringify(steps)}`).toEqual(expected.steps[step].dropped.map((drop) => drop.sessionId).sort());
    }
  }

  beforeAll(async () => {
    server = await startTestServer();
    for (const batch of sessions.flat()) await ingest(server.url, batch);
  });
  afterAll(() => server.close());

  test('POST /api/funnels/query agrees with the straightforward computation for random funnels and ranges', async () => {
    await expectQueriesAgree(40);
  });

  test('GET /api/sessions?funnel=… keeps the sessions the straightforward computation drops at each step', async () => {
    await expectFilterAgrees(
      [{ type: 'page', pattern: '/' }, { type: 'page', pattern: '/product/*' }, { type: 'event', name: 'add_to_cart' }, { type: 'page', pattern: '/cart' }],
      30 * 60_000,
    );
  });

  test('at equal times a page view comes before a tracked event, though the event is stored first', async () => {
    const v = visit(BASE - HOUR);
    const sessionId = newId();
    // One batch: ingest stores its tracked events before the page views derived from it.
    await ingest(server.url, makeBatch([v.track(0, 'tie_event'), ...v.load(0, '/tie')], { sessionId }));
    const range = { from: BASE - HOUR, to: BASE - HOUR };
    const pageFirst: FunnelStep[] = [{ type: 'page', pattern: '/tie' }, { type: 'event', name: 'tie_event' }];
    const eventFirst = [...pageFirst].reverse();
    const reached = async (steps: FunnelStep[]) =>
      (await postJson<FunnelQueryResponse>('/api/funnels/query', { steps, ...range })).steps.map((step) => step.sessions);
    expect({ pageFirst: await reached(pageFirst), eventFirst: await reached(eventFirst) }).toEqual({ pageFirst: [1, 1], eventFirst: [1, 0] });
    expect((await adminFetch(`${server.url}/api/sessions/${sessionId}`, { method: 'DELETE' })).status).toBe(204);
  });

  test('page labels keep nothing after the first "?" or "#" of a URL', () => {
    const pages = server.db.prepare<[], string>('SELECT text FROM funnel_labels WHERE kind = 0 ORDER BY text').pluck().all();
    expect(pages).toContain('https://shop.test/product/abc?');
    expect(pages).toContain('https://shop.test/checkout#');
    expect(pages.filter((text) => /[?#]./.test(text))).toEqual([]);
  });

  test('still agrees after a third of the sessions are deleted, and no label outlives its last use', async () => {
    for (const batches of sessions.filter((_, index) => index % 3 === 0)) {
      const response = await adminFetch(`${server.url}/api/sessions/${batches[0].sessionId}`, { method: 'DELETE' });
      expect(response.status).toBe(204);
    }
    await expectQueriesAgree(20);
    const labels = 'SELECT kind, text, uses FROM funnel_labels ORDER BY kind, text';
    const recounted = 'SELECT kind, text, count(*) AS uses FROM funnel_entry_sources GROUP BY kind, text ORDER BY kind, text';
    expect(server.db.prepare(labels).all()).toEqual(server.db.prepare(recounted).all());
  });
});
