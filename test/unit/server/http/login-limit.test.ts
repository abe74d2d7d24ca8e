import type { Request, Response } from 'express';
import { describe, expect, test } from 'vitest';
import { HttpError } from '../../../../server/http/errors.ts';
import { addressKey, LoginLimiter, type LoginLimitConfig } from '../../../../server/http/login-limit.ts';

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

/** A request from `address` as the socket sees it, and a response that keeps the headers set on it. */
function from(address: string): { req: Request; res: Response; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  const req = { get: () => undefined, socket: { remoteAddress: address } } as unknown as Request;
  const res = { setHeader: (name: string, value: string) => void (headers[name] = value) } as unknown as Response;
  return { req, res, headers };
}

const MINUTE = 60_000;
const config: LoginLimitConfig = {
  trustProxy: false,
  loginRatePerAddress: { ratePerSecond: 2 / 60, burst: 2 },
  loginFailureBudget: { ratePerSecond: 3 / 60, burst: 3 },
  loginKnownAddressMs: 10 * MINUTE,
  rateLimitMaxBuckets: 100,
};

/** One attempt from `address` that turns out `valid` (or is refused): the outcome as a word. */
function attempt(limiter: LoginLimiter, address: string, valid: boolean): string {
  const { req, res } = from(address);
  try {
    limiter.begin(req, res).settle(valid);
    return valid ? 'ok' : 'failed';
  } catch (error) {
    if (error instanceof HttpError && error.status === 429) return error.code;
    throw error;
  }
}

describe('http | login limit address keys', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:127.0.0.1', '127.0.0.1'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0000:0001:ffff:ffff:ffff:ffff', '2001:db8:0:1::/64'],
    ['2001:DB8:0:1::9', '2001:db8:0:1::/64'],
    ['2001:db8:0:1:2:3:4:5', '2001:db8:0:1::/64'],
    ['fe80::1:2:3:4', 'fe80:0:0:0::/64'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
  ])('%s counts as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});

describe('http | login limiter', () => {
  test('per address: failures use up the burst, successes give their attempt back, refusals say when to retry', () => {
    const clock = fakeClock();
    const limiter = new LoginLimiter(config, clock.now);
    expect(Array.from({ length: 3 }, () => attempt(limiter, '192.0.2.1', true))).toEqual(['ok', 'ok', 'ok']);
    expect([attempt(limiter, '192.0.2.1', false), attempt(limiter, '192.0.2.1', false)]).toEqual(['failed', 'failed']);
    const { req, res, headers } = from('192.0.2.1');
    expect(() => limiter.begin(req, res)).toThrow(expect.objectContaining({ status: 429, code: 'rate_limited' }));
    expect(headers['Retry-After']).toBe('30');
    clock.advance(30_000);
    expect(attempt(limiter, '192.0.2.1', true)).toBe('ok');
  });

  test('parallel attempts all count: each is taken before any is settled', () => {
    const limiter = new LoginLimiter(config, fakeClock().now);
    const pending = [from('192.0.2.2'), from('192.0.2.2')].map(({ req, res }) => limiter.begin(req, res));
    expect(attempt(limiter, '192.0.2.2', true)).toBe('rate_limited');
    for (const one of pending) one.settle(false);
  });

  test('the global budget stops unknown addresses once spent, refills at its rate, and never stops a known one', () => {
    const clock = fakeClock();
    const limiter = new LoginLimiter(config, clock.now);
    expect(attempt(limiter, '192.0.2.10', true)).toBe('ok');
    expect(['198.51.100.1', '198.51.100.2', '198.51.100.3'].map((address) => attempt(limiter, address, false))).toEqual(['failed', 'failed', 'failed']);
    expect(attempt(limiter, '198.51.100.4', true)).toBe('login_budget_exhausted');
    expect(attempt(limiter, '192.0.2.10', false)).toBe('failed');
    expect(attempt(limiter, '192.0.2.10', true)).toBe('ok');
    // A refusal by the budget took nothing from the address: it has both its attempts once the budget refills.
    clock.advance(20_000);
    expect([attempt(limiter, '198.51.100.4', false), attempt(limiter, '198.51.100.4', true)]).toEqual(['failed', 'login_budget_exhausted']);
    clock.advance(20_000);
    expect(attempt(limiter, '198.51.100.4', true)).toBe('ok');
  });

  test('an address stays known for loginKnownAddressMs after its last valid token, then meets the budget again', () => {
    const clock = fakeClock();
    const limiter = new LoginLimiter({ ...config, loginRatePerAddress: { ratePerSecond: 1, burst: 100 } }, clock.now);
    expect(attempt(limiter, '192.0.2.20', true)).toBe('ok');
    clock.advance(10 * MINUTE - 1);
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) attempt(limiter, address, false);
    expect(attempt(limiter, '192.0.2.20', true)).toBe('ok');
    // The success just now renewed it; past the whole period without one it is a stranger.
    clock.advance(10 * MINUTE);
    for (const address of ['198.51.100.5', '198.51.100.6', '198.51.100.7']) attempt(limiter, address, false);
    expect(attempt(limiter, '192.0.2.20', true)).toBe('login_budget_exhausted');
  });

  test('known addresses are bounded: past the cap the one that signed in longest ago is forgotten', () => {
    const limiter = new LoginLimiter({ ...config, rateLimitMaxBuckets: 2 }, fakeClock().now);
    for (const address of ['192.0.2.31', '192.0.2.32', '192.0.2.33']) attempt(limiter, address, true);
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) attempt(limiter, address, false);
    expect(['192.0.2.31', '192.0.2.32', '192.0.2.33'].map((address) => attempt(limiter, address, true))).toEqual([
      'login_budget_exhausted',
      'ok',
      'ok',
    ]);
  });
});
