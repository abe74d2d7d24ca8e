/** The benchmark's own data must be what ingest accepts, or its figures would time refusals. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startBareIngestServer, type BareIngestServer } from '../../bench/bare-ingest-server.ts';
import { measureDeletionCost } from '../../bench/deletion-cost.ts';
import { ingestBatches } from '../../bench/shared.ts';
import { cutIntoBatches, syntheticSession } from '../../bench/synthetic-session.ts';
import type { SessionDetail } from '../../contract/api.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { newId, readAllEvents } from './support.ts';

describe('bench | the synthetic session through POST /api/ingest', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('stores every batch of a 10-minute session with its pages and clicks', async () => {
    const events = syntheticSession({ durationMs: 10 * 60_000 });
    const batches = cutIntoBatches(events);
    const sessionId = newId();
    await ingestBatches(server.url, batches, { sessionId, windowId: 'w1' });

    const response = await adminFetch(`${server.url}/api/sessions/${sessionId}`);
    expect(response.status).toBe(200);
    const { session } = (await response.json()) as SessionDetail;
    const tagged = (tag: string) => events.filter((event) => (event.data as { tag?: string }).tag === tag).length;
    expect(session.eventCount).toBe(events.length);
    expect(session.clickCount).toBe(tagged('sl:click'));
    expect(session.pageCount).toBe(tagged('sl:page'));
    expect(session.durationMs).toBe(events.at(-1)!.timestamp - events[0]!.timestamp);
    const stored = server.db.prepare('SELECT count(*) FROM chunks WHERE session_id = ?').pluck().get(sessionId);
    expect(stored).toBe(batches.length);
    expect((await readAllEvents(server.url, sessionId)).events).toHaveLength(events.length);
  });

  test('measureDeletionCost deletes whole sessions, half of them with secure_delete off, and leaves it on', async () => {
    const batches = cutIntoBatches(syntheticSession({ durationMs: 60_000, seed: 3 }));
    const sessions = [newId(), newId(), newId()];
    for (const sessionId of sessions) await ingestBatches(server.url, batches, { sessionId, windowId: 'w1' });
    const cost = await measureDeletionCost(server, batches.length, 1);
    expect([cost.secureMs.length, cost.plainMs.length, cost.batchesPerSession]).toEqual([1, 1, batches.length]);
    const left = server.db.prepare('SELECT count(*) FROM sessions WHERE id IN (?, ?, ?)').pluck().get(...sessions);
    expect(left).toBe(1);
    expect(server.db.pragma('secure_delete', { simple: true })).toBe(1);
  });

  test('ingestBatches stops at the first refusal', async () => {
    const batches = [[{ type: 99, timestamp: 1, data: {} }]];
    await expect(ingestBatches(server.url, batches, { sessionId: newId(), windowId: 'w1' })).rejects.toThrow(/answered 400/);
  });
});

describe('bench | the bare ingest ceiling', () => {
  let bare: BareIngestServer;
  beforeAll(async () => {
    bare = await startBareIngestServer(':memory:');
  });
  afterAll(() => bare.close());

  test('syncs every commit (synchronous FULL, as Sightline) unless asked for NORMAL', async () => {
    expect(bare.db.pragma('synchronous', { simple: true })).toBe(2);
    const unsynced = await startBareIngestServer(':memory:', { synchronous: 'NORMAL' });
    expect(unsynced.db.pragma('synchronous', { simple: true })).toBe(1);
    await unsynced.close();
  });

  test('stores each body as it came and acknowledges the id it was given', async () => {
    const post = (id: string, body: string) =>
      fetch(`${bare.url}/api/ingest`, { method: 'POST', headers: { 'X-Bench-Id': id }, body });
    const answers = await Promise.all([post('s1 0', '{"a":1}'), post('s1 1', 'not even json')]);
    expect(await Promise.all(answers.map((answer) => answer.json()))).toEqual([{ ok: true, id: 's1 0' }, { ok: true, id: 's1 1' }]);
    const rows = bare.db.prepare('SELECT id, CAST(body AS TEXT) AS body FROM batches ORDER BY id').all();
    expect(rows).toEqual([{ id: 's1 0', body: '{"a":1}' }, { id: 's1 1', body: 'not even json' }]);
  });
});
