import { describe, expect, test } from 'vitest';
import { createRateLimit, sessionRateLimit } from '../../../recorder/rate-limit.ts';
import { memoryStore } from '../../../recorder/storage.ts';

describe('recorder | rate limit of console and network events', () => {
  test('lets perSecond through in one second, then refuses until the next', () => {
    const limit = createRateLimit(3, 100);
    expect([0, 10, 20, 30, 999].map((t) => limit.take(t))).toEqual([true, true, true, false, false]);
    expect(limit.takeDropped()).toBe(2);
    expect(limit.takeDropped()).toBe(0);
    expect(limit.take(1_000)).toBe(true);
  });

  test('a burst in every second still stops at the session cap', () => {
    const limit = createRateLimit(10, 25);
    let taken = 0;
    for (let second = 0; second < 10; second++) {
      for (let i = 0; i < 10; i++) if (limit.take(second * 1_000 + i)) taken++;
    }
    expect(taken).toBe(25);
    expect(limit.used).toBe(25);
  });

  test('counts from what the session used on earlier pages, and from 0 for a new session', () => {
    const limit = createRateLimit(10, 5, 4);
    expect([limit.take(0), limit.take(1)]).toEqual([true, false]);
    limit.reset(0);
    expect(limit.take(2)).toBe(true);
    expect(limit.used).toBe(1);
  });

  test('a clock that goes back starts a new window instead of refusing for ever', () => {
    const limit = createRateLimit(1, 100);
    expect(limit.take(5_000)).toBe(true);
    expect(limit.take(1_000)).toBe(true);
  });
});

describe('recorder | session cap across page loads', () => {
  test('a new page of the same session continues the count; another session starts at 0', () => {
    const store = memoryStore();
    let session = 's1';
    const first = sessionRateLimit(store, 'sl:console', 100, 3, () => session);
    expect([first.take(0), first.take(1)]).toEqual([true, true]);
    const nextPage = sessionRateLimit(store, 'sl:console', 100, 3, () => session);
    expect([nextPage.take(2), nextPage.take(3)]).toEqual([true, false]);
    session = 's2';
    expect(nextPage.take(4)).toBe(true);
    expect(JSON.parse(store.get('sl:console')!)).toEqual({ s: 's2', n: 1 });
  });

  test('an unreadable stored count counts as none', () => {
    const store = memoryStore();
    store.set('sl:console', '{not json');
    expect(sessionRateLimit(store, 'sl:console', 10, 1, () => 's1').take(0)).toBe(true);
  });
});
