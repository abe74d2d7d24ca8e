import { describe, expect, test } from 'vitest';
import { defaultConfig } from '../../../../server/config.ts';
import { nextAttemptAt, retryDelayMs } from '../../../../server/webhooks/backoff.ts';

const HOUR = 3_600_000;
const options = { backoffBaseMs: 10_000, backoffMaxMs: HOUR, jitterRatio: 0.2, retryWindowMs: 24 * HOUR };
const noJitter = () => 0;
const fullJitter = () => 0.999999;

describe('webhooks | backoff schedule', () => {
  test.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [4, 80_000],
    [9, 2_560_000],
    [10, HOUR],
    [40, HOUR],
    [10_000, HOUR],
  ])('after failure %i waits %i ms before jitter', (attempt, delay) => {
    expect(retryDelayMs(attempt, options, noJitter)).toBe(delay);
  });

  test('jitter adds up to jitterRatio of the delay, never less than the schedule', () => {
    expect(retryDelayMs(3, options, fullJitter)).toBe(48_000);
    expect(retryDelayMs(3, options, () => 0.5)).toBe(44_000);
    const delays = Array.from({ length: 200 }, () => retryDelayMs(3, options));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(40_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(48_000);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });

  test('retries until one day after the event, then gives up', () => {
    const created = 1_000_000;
    expect(nextAttemptAt(1, created, created, options, noJitter)).toBe(created + 10_000);
    // An hour-long delay still fits when it lands exactly at the window's end; a millisecond later does not.
    expect(nextAttemptAt(20, created, created + 23 * HOUR, options, noJitter)).toBe(created + 24 * HOUR);
    expect(nextAttemptAt(20, created, created + 23 * HOUR + 1, options, noJitter)).toBeNull();
  });

  test('the default schedule makes about thirty attempts in its day', () => {
    const config = defaultConfig.webhooks;
    let now = 0;
    let attempts = 1;
    for (let next = nextAttemptAt(1, 0, now, config, noJitter); next !== null; next = nextAttemptAt(attempts, 0, now, config, noJitter)) {
      now = next;
      attempts++;
    }
    expect(attempts).toBeGreaterThan(25);
    expect(attempts).toBeLessThan(35);
  });
});
