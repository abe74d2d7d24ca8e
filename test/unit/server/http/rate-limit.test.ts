import type { Request } from 'express';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../../server/config.ts';
import { BucketTable, clientAddress } from '../../../../server/http/rate-limit.ts';

/** A clock the test moves by hand, in ms. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('http | rate limit token buckets', () => {
  test.each([
    { name: 'a new key gets its whole burst', burst: 3, rate: 1, takes: [0, 0, 0], allowed: [true, true, true] },
    { name: 'one past capacity is refused', burst: 3, rate: 1, takes: [0, 0, 0, 0], allowed: [true, true, true, false] },
    { name: 'a token refills after 1/rate seconds', burst: 1, rate: 2, takes: [0, 500], allowed: [true, true] },
    { name: 'not a ms before it', burst: 1, rate: 2, takes: [0, 499], allowed: [true, false] },
    { name: 'a long pause refills only to capacity', burst: 2, rate: 1, takes: [0, 0, 60_000, 0, 0], allowed: [true, true, true, true, false] },
    { name: 'fractional rates: 5 per minute', burst: 1, rate: 5 / 60, takes: [0, 11_999, 1], allowed: [true, false, true] },
  ])('$name', ({ burst, rate, takes, allowed }) => {
    const clock = fakeClock();
    const table = new BucketTable({ ratePerSecond: rate, burst }, clock.now, 100);
    const results = takes.map((advanceMs) => {
      clock.advance(advanceMs);
      return table.take('key').allowed;
    });
    expect(results).toEqual(allowed);
  });

  test.each([
    { rate: 1, afterMs: 0, retryAfterMs: 1000 },
    { rate: 1, afterMs: 250, retryAfterMs: 750 },
    { rate: 0.3, afterMs: 0, retryAfterMs: 1000 / 0.3 },
  ])('refused at rate $rate/s, $afterMs ms after emptying: retry after $retryAfterMs ms', ({ rate, afterMs, retryAfterMs }) => {
    const clock = fakeClock();
    const table = new BucketTable({ ratePerSecond: rate, burst: 1 }, clock.now, 100);
    expect(table.take('key')).toEqual({ allowed: true });
    clock.advance(afterMs);
    const refused = table.take('key');
    expect(refused.allowed).toBe(false);
    expect(refused.allowed ? 0 : refused.retryAfterMs).toBeCloseTo(retryAfterMs, 6);
  });

  test('refused requests do not drain the bucket further', () => {
    const clock = fakeClock();
    const table = new BucketTable({ ratePerSecond: 1, burst: 1 }, clock.now, 100);
    table.take('key');
    for (let i = 0; i < 10; i++) expect(table.take('key').allowed).toBe(false);
    clock.advance(1000);
    expect(table.take('key').allowed).toBe(true);
  });

  test('keys have separate buckets', () => {
    const table = new BucketTable({ ratePerSecond: 1, burst: 1 }, fakeClock().now, 100);
    expect([table.take('a').allowed, table.take('b').allowed, table.take('a').allowed]).toEqual([true, true, false]);
  });

  test('a refund gives one token back, never past capacity', () => {
    const table = new BucketTable({ ratePerSecond: 0.001, burst: 2 }, fakeClock().now, 100);
    table.take('key');
    table.refund('key');
    table.refund('key');
    expect([table.take('key').allowed, table.take('key').allowed, table.take('key').allowed]).toEqual([true, true, false]);
  });

  test('a bucket idle long enough to be full again is forgotten, cap or not', () => {
    const clock = fakeClock();
    const table = new BucketTable({ ratePerSecond: 1, burst: 2 }, clock.now, 100);
    table.take('a');
    clock.advance(1999);
    table.take('b');
    expect(table.size).toBe(2);
    clock.advance(1);
    table.take('c');
    expect(table.size).toBe(2);
  });

  test('memory stays bounded: past the cap, idle and then least recently used buckets go', () => {
    const clock = fakeClock();
    const table = new BucketTable({ ratePerSecond: 1, burst: 1 }, clock.now, 3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) table.take(key);
    expect(table.size).toBe(3);
    // 'c', 'd' and 'e' are kept, so they are still empty; 'a' was forgotten and starts full.
    expect(table.take('e').allowed).toBe(false);
    expect(table.take('a').allowed).toBe(true);
    clock.advance(1000);
    for (let i = 0; i < 1000; i++) table.take(`flood-${i}`);
    expect(table.size).toBe(3);
  });
});

describe('http | client address', () => {
  const request = (forwarded: string | undefined, remote = '10.0.0.1') =>
    ({
      get: (name: string) => (name.toLowerCase() === 'x-forwarded-for' ? forwarded : undefined),
      socket: { remoteAddress: remote },
    }) as unknown as Request;

  test.each([
    { name: 'ignores X-Forwarded-For unless the proxy is trusted', forwarded: '1.2.3.4', trust: false, expected: '10.0.0.1' },
    { name: 'uses the socket address without the header', forwarded: undefined, trust: true, expected: '10.0.0.1' },
    { name: 'takes the entry our proxy appended (right-most)', forwarded: '6.6.6.6, 1.2.3.4', trust: true, expected: '1.2.3.4' },
    { name: 'trims spaces', forwarded: ' 1.2.3.4 ', trust: true, expected: '1.2.3.4' },
  ])('$name', ({ forwarded, trust, expected }) => {
    expect(clientAddress(request(forwarded), trust)).toBe(expected);
  });

  test('only SIGHTLINE_TRUST_PROXY=true makes the server trust a proxy', () => {
    expect(loadConfig({ SIGHTLINE_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ SIGHTLINE_TRUST_PROXY: 'yes' }).trustProxy).toBe(false);
    expect(loadConfig({}).trustProxy).toBe(false);
  });
});
