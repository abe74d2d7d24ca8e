import { describe, expect, test } from 'vitest';
import { createRateLimit } from '../../../recorder/rate-limit.ts';

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
