import { describe, expect, test } from 'vitest';
import type { RecordedEvent } from '../../../../contract/protocol.ts';
import { ChunkEventCache } from '../../../../server/storage/chunk-event-cache.ts';

const events = (timestamp: number): RecordedEvent[] => [{ type: 3, data: { source: 2, type: 2, id: 1 }, timestamp }];
const gz = (text: string) => Buffer.from(text);

describe('storage | chunk event cache', () => {
  test('answers a chunk only for the stored bytes it was cached with', () => {
    const cache = new ChunkEventCache(1000);
    const first = events(1);
    cache.put('s', 'w', 0, { eventsGz: gz('stored-1'), events: first, rawBytes: 10 });
    expect(cache.get('s', 'w', 0, gz('stored-1'))).toBe(first);
    // The same ids stored again with other events (deleted, then re-sent) must be decoded from the database.
    expect(cache.get('s', 'w', 0, gz('stored-2'))).toBeUndefined();
    expect(cache.get('s', 'w', 1, gz('stored-1'))).toBeUndefined();
    expect(cache.get('s', 'other', 0, gz('stored-1'))).toBeUndefined();
  });

  test('drops the least recently used chunks beyond its byte budget', () => {
    const cache = new ChunkEventCache(100);
    cache.put('s', 'w', 0, { eventsGz: gz('0'), events: events(0), rawBytes: 40 });
    cache.put('s', 'w', 1, { eventsGz: gz('1'), events: events(1), rawBytes: 40 });
    // Reading chunk 0 makes chunk 1 the least recently used.
    expect(cache.get('s', 'w', 0, gz('0'))).toBeDefined();
    cache.put('s', 'w', 2, { eventsGz: gz('2'), events: events(2), rawBytes: 40 });
    expect(cache.get('s', 'w', 1, gz('1'))).toBeUndefined();
    expect(cache.get('s', 'w', 0, gz('0'))).toBeDefined();
    expect(cache.get('s', 'w', 2, gz('2'))).toBeDefined();
    expect(cache.size).toBe(2);
  });

  test('does not keep a chunk larger than the whole budget', () => {
    const cache = new ChunkEventCache(100);
    cache.put('s', 'w', 0, { eventsGz: gz('0'), events: events(0), rawBytes: 40 });
    cache.put('s', 'w', 1, { eventsGz: gz('1'), events: events(1), rawBytes: 101 });
    expect(cache.get('s', 'w', 1, gz('1'))).toBeUndefined();
    expect(cache.get('s', 'w', 0, gz('0'))).toBeDefined();
  });

  test('forgets every chunk of deleted sessions and only those, and their bytes', () => {
    const cache = new ChunkEventCache(120);
    cache.put('gone', 'w', 0, { eventsGz: gz('0'), events: events(0), rawBytes: 40 });
    cache.put('gone', 'v', 3, { eventsGz: gz('3'), events: events(3), rawBytes: 40 });
    cache.put('kept', 'w', 0, { eventsGz: gz('k'), events: events(9), rawBytes: 40 });
    cache.forgetSessions(new Set(['gone']));
    expect(cache.get('gone', 'w', 0, gz('0'))).toBeUndefined();
    expect(cache.get('gone', 'v', 3, gz('3'))).toBeUndefined();
    expect(cache.get('kept', 'w', 0, gz('k'))).toBeDefined();
    // The forgotten bytes are free again: two more chunks fit beside the kept one without evicting it.
    cache.put('new', 'w', 0, { eventsGz: gz('a'), events: events(1), rawBytes: 40 });
    cache.put('new', 'w', 1, { eventsGz: gz('b'), events: events(2), rawBytes: 40 });
    expect(cache.size).toBe(3);
  });
});
