/**
 * Ingest acknowledges at append and the pipeline derives behind it: what a session shows while its chunks wait,
 * GET /api/status, back-pressure when the backlog is full, a late chunk's window derived again without a second
 * webhook, a window whose derivation fails left queued while the others go on, and what waits for derivation.
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { SessionDetail, SessionList, StatusResponse } from '../../contract/api.ts';
import { createPipeline } from '../../server/pipeline/pipeline.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError, ingest, makeBatch, newId, postBatch } from './support.ts';
import { visit } from './shop-events.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function start(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const server = await startTestServer(...args);
  servers.push(server);
  return server;
}

async function json<T>(server: TestServer, path: string): Promise<T> {
  const response = await adminFetch(`${server.url}${path}`);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

const status = (server: TestServer, project = 'demo') => json<StatusResponse>(server, `/api/status?project=${project}`);
const count = (server: TestServer, sql: string) => server.db.prepare(sql).pluck().get() as number;

/** A page load with a rage burst on #promo (four clicks), then a page that answers nothing. */
function rageVisit(at: number) {
  const v = visit(at);
  return [...v.load(0, '/promo'), ...[1000, 1200, 1400, 1600].map((ms) => v.click(ms, '#promo')), v.mutation(8000)];
}

describe('pipeline | ingest acknowledges before derivation', () => {
  test('a stored batch is acknowledged, listed as processing, and derived once the consumer runs', async () => {
    const server = await start({}, { consumer: { paused: true } });
    const batch = makeBatch(rageVisit(Date.UTC(2025, 3, 1, 10)));
    const response = await postBatch(server.url, batch);
    expect(response.status).toBe(200);

    const waiting = await json<SessionDetail>(server, `/api/sessions/${batch.sessionId}`);
    expect(waiting.session).toMatchObject({ processing: true, eventCount: batch.events.length, clickCount: 0, pages: [] });
    expect(waiting.signals).toEqual([]);
    // The replay does not wait: its events are the stored chunk's.
    const events = await json<{ events: unknown[] }>(server, `/api/sessions/${batch.sessionId}/events`);
    expect(events.events).toHaveLength(batch.events.length);
    const pending = await status(server);
    expect(pending.derivation).toMatchObject({ pendingChunks: 1, behind: false, backlogLimit: 20_000 });
    expect(pending.derivation.oldestPendingAgeMs).toBeGreaterThanOrEqual(0);
    expect(pending.rederive).toEqual({ state: 'idle' });

    // Each transaction says when the chunks it derived were received: their lag.
    const queuedAt: number[] = [];
    server.pipeline.consumer.onBatch((result) => queuedAt.push(...result.liveQueuedAt));
    server.pipeline.consumer.resume();
    await server.waitForDerivation();
    expect(queuedAt).toHaveLength(1);
    expect(Date.now() - queuedAt[0]!).toBeGreaterThanOrEqual(pending.derivation.oldestPendingAgeMs!);
    const derived = await json<SessionDetail>(server, `/api/sessions/${batch.sessionId}`);
    expect(derived.session).toMatchObject({ processing: false, pages: ['https://shop.test/promo'] });
    expect(derived.signals.map((signal) => signal.kind)).toContain('rage');
    const list = await json<SessionList>(server, '/api/sessions');
    expect(list.sessions.map((session) => session.processing)).toEqual([false]);
    expect((await status(server)).derivation).toMatchObject({ pendingChunks: 0, oldestPendingAgeMs: null, behind: false });
  });

  test('status counts the project it is asked about, and calls an old backlog behind', async () => {
    const server = await start({}, { consumer: { paused: true } });
    server.db.prepare("INSERT INTO projects (key, name, created_at) VALUES ('other-shop', 'Other', 0)").run();
    const now = Date.now();
    expect((await postBatch(server.url, makeBatch(rageVisit(now - 60_000)))).status).toBe(200);
    expect((await postBatch(server.url, makeBatch(rageVisit(now - 60_000), { project: 'other-shop' }))).status).toBe(200);
    expect((await postBatch(server.url, makeBatch(rageVisit(now - 60_000), { project: 'other-shop' }))).status).toBe(200);
    expect((await status(server, 'demo')).derivation.pendingChunks).toBe(1);
    expect((await status(server, 'other-shop')).derivation.pendingChunks).toBe(2);
    // Queued 6 s ago: the oldest has waited past the 5 s that count as behind.
    server.db.prepare('UPDATE derive_queue SET queued_at = queued_at - 6000').run();
    const behind = await status(server, 'demo');
    expect(behind.derivation.behind).toBe(true);
    expect(behind.derivation.oldestPendingAgeMs).toBeGreaterThan(5_000);
    await expectApiError(await adminFetch(`${server.url}/api/status?project=demo&x=1`), 400, 'invalid_query');
  });
});

describe('pipeline | back-pressure', () => {
  test('a full backlog answers 503 backlog_full with Retry-After; everything acknowledged is derived after', async () => {
    const server = await start({ maxBacklog: 3 }, { consumer: { paused: true } });
    const sessionId = newId();
    const windowId = newId();
    const v = visit(Date.UTC(2025, 3, 2, 10));
    const batches = [0, 1, 2, 3].map((seq) =>
      makeBatch([...v.load(seq * 10_000, `/page-${seq}`), v.click(seq * 10_000 + 500, '#buy')], { sessionId, windowId, seq }),
    );
    for (const batch of batches.slice(0, 3)) expect((await postBatch(server.url, batch)).status).toBe(200);

    const refused = await postBatch(server.url, batches[3]!, { headers: { Origin: 'https://shop.test' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(5);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(15);
    // Cross-origin, the recorder can read the answer and its Retry-After.
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('access-control-expose-headers')).toBe('Retry-After');
    await expectApiError(refused, 503, 'backlog_full');
    expect(count(server, 'SELECT count(*) FROM chunks')).toBe(3);
    expect((await status(server)).derivation).toMatchObject({ pendingChunks: 3, backlogLimit: 3 });

    server.pipeline.consumer.resume();
    await server.waitForDerivation();
    // The recorder's retry of the refused batch now goes through; nothing acknowledged was dropped.
    await ingest(server.url, batches[3]!);
    const detail = await json<SessionDetail>(server, `/api/sessions/${sessionId}`);
    expect(detail.session.pages).toEqual([0, 1, 2, 3].map((seq) => `https://shop.test/page-${seq}`));
    expect(detail.session.eventCount).toBe(batches.reduce((total, batch) => total + batch.events.length, 0));
    expect(count(server, 'SELECT count(*) FROM clicks')).toBe(4);
    expect(count(server, 'SELECT count(*) FROM derive_queue')).toBe(0);
  });
});

describe('pipeline | late chunks and failures', () => {
  test('a late chunk derives its window again, and the rage click already announced is not announced again', async () => {
    const server = await start();
    await adminFetch(`${server.url}/api/webhooks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: 'https://hooks.example/in', events: ['rage_click'] }),
    });
    const ids = { sessionId: newId(), windowId: newId() };
    const v = visit(Date.UTC(2025, 3, 3, 10));
    const early = makeBatch([...v.load(0, '/cart'), v.track(300, 'add_to_cart')], { ...ids, seq: 0 });
    const burst = makeBatch([...[1000, 1200, 1400, 1600].map((ms) => v.click(ms, '#promo')), v.mutation(8000)], { ...ids, seq: 1 });
    // seq 1 first: its window is derived without seq 0, then derived again, from seq 0, when seq 0 arrives.
    await ingest(server.url, burst);
    expect(count(server, "SELECT count(*) FROM webhook_events WHERE type = 'rage_click'")).toBe(1);
    expect(count(server, "SELECT count(*) FROM page_views WHERE url = 'https://shop.test/cart'")).toBe(0);
    await ingest(server.url, early);
    expect(count(server, "SELECT count(*) FROM webhook_events WHERE type = 'rage_click'")).toBe(1);
    const detail = await json<SessionDetail>(server, `/api/sessions/${ids.sessionId}`);
    expect(detail.signals.filter((signal) => signal.kind === 'rage').map(({ page, count }) => ({ page, count }))).toEqual([
      { page: '/cart', count: 4 },
    ]);
    expect(detail.marks.map((mark) => mark.label)).toEqual(['https://shop.test/cart', 'add_to_cart']);
    expect(count(server, 'SELECT derived_seq FROM window_carry')).toBe(1);
  });

  test('a window whose derivation throws stays queued; the others are derived; it is derived once the fault is gone', async () => {
    const server = await start();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      server.db.exec("CREATE TRIGGER poison BEFORE INSERT ON custom_events WHEN NEW.name = 'poison' BEGIN SELECT RAISE(ABORT, 'bad row'); END");
      const v = visit(Date.UTC(2025, 3, 4, 10));
      const bad = makeBatch([...v.load(0, '/bad'), v.track(100, 'poison')]);
      const good = makeBatch(v.load(0, '/good'));
      server.pipeline.consumer.pause();
      expect((await postBatch(server.url, bad)).status).toBe(200);
      expect((await postBatch(server.url, good)).status).toBe(200);
      server.pipeline.consumer.resume();
      await server.waitForDerivation();
      expect(logged).toHaveBeenCalled();
      expect((await json<SessionDetail>(server, `/api/sessions/${good.sessionId}`)).session.processing).toBe(false);
      const stuck = await json<SessionDetail>(server, `/api/sessions/${bad.sessionId}`);
      expect(stuck.session).toMatchObject({ processing: true, pages: [] });
      expect(count(server, "SELECT count(*) FROM page_views WHERE url LIKE '%/bad'")).toBe(0);

      // The process skips it until it restarts; a new consumer (a restart) derives it once the fault is fixed.
      server.db.exec('DROP TRIGGER poison');
      await createPipeline(server.db, server.config).consumer.drain();
      expect((await json<SessionDetail>(server, `/api/sessions/${bad.sessionId}`)).session).toMatchObject({
        processing: false,
        pages: ['https://shop.test/bad'],
      });
    } finally {
      logged.mockRestore();
    }
  });

  test('deleting a user waits for chunks still queued, so the chunk that identifies them is not missed', async () => {
    const server = await start({}, { consumer: { paused: true } });
    const v = visit(Date.UTC(2025, 3, 5, 10));
    const identify = { type: 5, data: { tag: 'sl:identify', payload: { userId: 'erase-me', traits: {} } }, timestamp: v.ts(50) };
    const batch = makeBatch([...v.load(0, '/account'), identify]);
    expect((await postBatch(server.url, batch)).status).toBe(200);
    const deletion = adminFetch(`${server.url}/api/users/erase-me`, { method: 'DELETE' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    server.pipeline.consumer.resume();
    const response = await deletion;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ deletedSessions: 1 });
    expect(count(server, 'SELECT count(*) FROM chunks')).toBe(0);
  });
});
