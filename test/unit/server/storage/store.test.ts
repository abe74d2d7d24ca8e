import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { RecordedEvent } from '../../../../contract/protocol.ts';
import { openDatabase, type Database } from '../../../../server/storage/db.ts';
import type { ChunkWrite } from '../../../../server/storage/model.ts';
import { createSqliteStore, type Store } from '../../../../server/storage/store.ts';

const events: RecordedEvent[] = [
  { type: 4, data: { href: 'https://shop/', width: 1280, height: 720 }, timestamp: 1000 },
  { type: 5, data: { tag: 'sl:track', payload: { name: 'purchase', props: {} } }, timestamp: 1500 },
  { type: 3, data: { source: 0, texts: [{ id: 1, value: 'x'.repeat(2000) }] }, timestamp: 2000 },
];

const chunk = (fields: Partial<ChunkWrite> = {}): ChunkWrite => ({
  projectId: 1,
  sessionId: 'session-1',
  windowId: 'window-1',
  seq: 0,
  events,
  firstTs: 1000,
  lastTs: 2000,
  browser: 'Firefox',
  browserVersion: '133.0',
  os: 'Linux',
  osVersion: '',
  receivedAt: 5000,
  ...fields,
});

describe('storage | sqlite store', () => {
  let db: Database;
  let store: Store;
  beforeEach(() => {
    db = openDatabase(':memory:');
    store = createSqliteStore(db);
  });
  afterEach(() => db.close());

  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();

  test('stores a chunk compressed, with its time span, event count and sizes', async () => {
    expect((await store.appendChunk(chunk())).outcome).toBe('stored');
    const row = db.prepare('SELECT first_ts, last_ts, event_count, raw_bytes, stored_bytes FROM chunks').get() as Record<
      string,
      number
    >;
    expect(row).toMatchObject({ first_ts: 1000, last_ts: 2000, event_count: 3, raw_bytes: JSON.stringify(events).length });
    expect(row.stored_bytes).toBeLessThan(row.raw_bytes!);
    expect((await store.readEvents({ sessionId: 'session-1', windowId: 'window-1', fromSeq: 0, minEvents: 10 })).events).toStrictEqual(
      events,
    );
  });

  test('registers the session and queues the chunk for derivation, deriving nothing itself', async () => {
    await store.appendChunk(chunk());
    await store.appendChunk(chunk({ seq: 1, firstTs: 500, lastTs: 2500, receivedAt: 6000 }));
    const session = db.prepare('SELECT started_at, ended_at, event_count, browser, os, updated_at, click_count FROM sessions').get();
    expect(session).toEqual({ started_at: 500, ended_at: 2500, event_count: 6, browser: 'Firefox', os: 'Linux', updated_at: 6000, click_count: 0 });
    expect(db.prepare('SELECT session_id, window_id, seq, quiet FROM derive_queue ORDER BY seq').all()).toEqual([
      { session_id: 'session-1', window_id: 'window-1', seq: 0, quiet: 0 },
      { session_id: 'session-1', window_id: 'window-1', seq: 1, quiet: 0 },
    ]);
    expect([count('custom_events'), count('page_views'), count('session_pages')]).toEqual([0, 0, 0]);
    expect((await store.getSession(1, 'session-1'))?.processing).toBe(true);
  });

  test('writes nothing else for a duplicate chunk', async () => {
    await store.appendChunk(chunk());
    const before = await store.getSession(1, 'session-1');
    expect((await store.appendChunk(chunk({ receivedAt: 9000, browser: 'Chrome' }))).outcome).toBe('duplicate');
    expect(await store.getSession(1, 'session-1')).toEqual(before);
    expect([count('chunks'), count('derive_queue')]).toEqual([1, 1]);
  });

  test('refuses a chunk for a session owned by another project', async () => {
    db.prepare("INSERT INTO projects (key, name, created_at) VALUES ('other', 'Other', 0)").run();
    await store.appendChunk(chunk());
    expect((await store.appendChunk(chunk({ projectId: 2, seq: 1 }))).outcome).toBe('project_mismatch');
    expect([count('chunks'), count('derive_queue')]).toEqual([1, 1]);
  });

  test('finds projects by key', async () => {
    expect(await store.findProjectByKey('demo')).toMatchObject({ id: 1, key: 'demo', name: 'Demo store' });
    expect(await store.findProjectByKey('nope')).toBeUndefined();
  });
});
