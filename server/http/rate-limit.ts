import type { Request, RequestHandler } from 'express';
import type { Config, RateRule } from '../config.ts';
import { HttpError } from './errors.ts';

/** One bucket's state: tokens left (fractional while refilling) and when they were counted, in ms. */
interface Bucket {
  tokens: number;
  at: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Token buckets under one rule, one per key (an ingest key or a client address), on an injected clock.
 * A bucket left alone long enough to refill completely is indistinguishable from a new one, so it is
 * forgotten; past `maxBuckets` the least recently used go too, which bounds memory under a flood of addresses
 * (at worst a flooded-out bucket starts full again).
 */
export class BucketTable {
  // A Map iterates in insertion order; re-inserting on each use keeps the least recently used first.
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rule: RateRule,
    private readonly now: () => number,
    private readonly maxBuckets: number,
  ) {}

  /** Takes one token from `key`'s bucket, or says in how many ms one will be there. */
  take(key: string): TakeResult {
    const now = this.now();
    const { ratePerSecond, burst } = this.rule;
    const previous = this.buckets.get(key);
    const elapsedMs = previous ? Math.max(0, now - previous.at) : 0;
    const tokens = previous ? Math.min(burst, previous.tokens + (elapsedMs * ratePerSecond) / 1000) : burst;
    this.buckets.delete(key);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      this.evict(now);
      return { allowed: true };
    }
    this.buckets.set(key, { tokens, at: now });
    return { allowed: false, retryAfterMs: ((1 - tokens) * 1000) / ratePerSecond };
  }

  /** Gives back a token taken for a request that turned out not to count (a successful sign-in). */
  refund(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.rule.burst, bucket.tokens + 1);
  }

  /** How many buckets are held; for tests of the memory bound. */
  get size(): number {
    return this.buckets.size;
  }

  /** Each step deletes or stops, so the cost stays constant per request however many buckets are held. */
  private evict(now: number): void {
    const refillMs = (this.rule.burst * 1000) / this.rule.ratePerSecond;
    for (const [key, bucket] of this.buckets) {
      const idle = now - bucket.at >= refillMs;
      if (!idle && this.buckets.size <= this.maxBuckets) break;
      this.buckets.delete(key);
    }
  }
}

/**
 * The client's address. X-Forwarded-For is only believed behind a proxy we were told about, and then only its
 * right-most entry: the one our proxy appended; anything left of it the client may have written itself.
 */
export function clientAddress(req: Request, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.get('x-forwarded-for') : undefined;
  const last = forwarded?.split(',').at(-1)?.trim();
  return last || req.socket.remoteAddress || 'unknown';
}

/** A Retry-After value: whole seconds, rounded up so a client that obeys it is let in. */
export function retryAfter(retryAfterMs: number): string {
  return String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
}

/**
 * 429 `rate_limited`, with Retry-After. Ingest is called cross-origin and we answer before its CORS middleware:
 * without these two headers the recorder could read neither the status nor Retry-After (not a CORS-safelisted
 * response header).
 */
export function refuse(res: Parameters<RequestHandler>[1], retryAfterMs: number, what: string): HttpError {
  res.setHeader('Retry-After', retryAfter(retryAfterMs));
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  return new HttpError(429, 'rate_limited', `Too many requests ${what}; retry later`);
}

type RateLimitConfig = Pick<Config, 'trustProxy' | 'ingestRatePerAddress' | 'rateLimitMaxBuckets' | 'rateLimitExemptAddresses'>;

/**
 * The rate limit on POST /api/ingest per client address. Mount before the routes; `now` is injectable for tests.
 * The per-key ingest limit lives in the ingest route, which learns the key from the body it decodes anyway; the
 * limits on guessing tokens are in login-limit.ts, where tokens are checked.
 */
export function rateLimits(config: RateLimitConfig, now: () => number = Date.now): RequestHandler {
  const ingestByAddress = new BucketTable(config.ingestRatePerAddress, now, config.rateLimitMaxBuckets);
  const exempt = new Set(config.rateLimitExemptAddresses);
  return (req, res, next) => {
    if (req.method !== 'POST' || req.path !== '/api/ingest') return next();
    const address = clientAddress(req, config.trustProxy);
    if (exempt.has(address)) return next();
    const byAddress = ingestByAddress.take(address);
    return byAddress.allowed ? next() : next(refuse(res, byAddress.retryAfterMs, 'from this address'));
  };
}
