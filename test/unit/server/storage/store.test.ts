import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { summarizeEvents } from '../../../../server/ingest/session-summary.ts';
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
  browser: 'Firefox',
  browserVersion: '133.0',
  os: 'Linux',
  osVersion: '',
  receivedAt: 5000,
  ...fields,
});

const summarize = (batch: RecordedEvent[]) => (carry: { lastInputTs: number | null }) =>
  summarizeEvents(batch, carry, { activityGapMs: 5000 });

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
    expect(await store.saveChunk(chunk(), summarize(events))).toBe('stored');
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

  test('rolls back the chunk when deriving the session fails inside the transaction', async () => {
    const failing = () => {
      throw new Error('derivation failed');
    };
    await expect(store.saveChunk(chunk(), failing)).rejects.toThrow('derivation failed');
    expect([count('chunks'), count('sessions'), count('custom_events'), count('session_windows')]).toEqual([0, 0, 0, 0]);
    expect(await store.saveChunk(chunk(), summarize(events))).toBe('stored');
  });

  test('writes nothing else for a duplicate chunk', async () => {
    await store.saveChunk(chunk(), summarize(events));
    const before = await store.getSession(1, 'session-1');
    expect(await store.saveChunk(chunk({ receivedAt: 9000, browser: 'Chrome' }), summarize(events))).toBe('duplicate');
    expect(await store.getSession(1, 'session-1')).toEqual(before);
    expect([count('chunks'), count('custom_events')]).toEqual([1, 1]);
  });

  test('refuses a chunk for a session owned by another project', async () => {
    db.prepare("INSERT INTO projects (key, name, created_at) VALUES ('other', 'Other', 0)").run();
    await store.saveChunk(chunk(), summarize(events));
    expect(await store.saveChunk(chunk({ projectId: 2, seq: 1 }), summarize(events))).toBe('project_mismatch');
    expect(count('chunks')).toBe(1);
  });

  test('passes the last input time of earlier chunks to the next derivation', async () => {
    const input = (timestamp: number): RecordedEvent => ({ type: 3, data: { source: 1, positions: [] }, timestamp });
    await store.saveChunk(chunk({ events: [input(1000), input(2000)] }), summarize([input(1000), input(2000)]));
    const carried: Array<number | null> = [];
    await store.saveChunk(chunk({ seq: 1, events: [input(3000)] }), (carry) => {
      carried.push(carry.lastInputTs);
      return summarizeEvents([input(3000)], carry, { activityGapMs: 5000 });
    });
    expect(carried).toEqual([2000]);
    expect((await store.getSession(1, 'session-1'))?.activeMs).toBe(2000);
  });

  test('finds projects by key', async () => {
    expect(await store.findProjectByKey('demo')).toMatchObject({ id: 1, key: 'demo', name: 'Demo store' });
    expect(await store.findProjectByKey('nope')).toBeUndefined();
  });
});
