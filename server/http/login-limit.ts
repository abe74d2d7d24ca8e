/**
 * Limits on guessing a token: every check of a token a client sent (POST /api/login's body, or an Authorization:
 * Bearer header on any /api route) is an attempt. Two budgets, both of failures only (a success gives its attempt
 * back):
 * - per client address, every address alike, loopback included: `loginRatePerAddress`. IPv6 addresses count per
 *   /64, the block one subscriber gets, so rotating through it buys nothing. An address out of attempts is answered
 *   429 `rate_limited` before its token is looked at, so even the right token waits: a guesser cannot tell a hit.
 * - across every address: `loginFailureBudget`, against guessing spread over many addresses. Spent, it answers 429
 *   `login_budget_exhausted`, again before the token is looked at, to every address except those that presented a
 *   valid token within `loginKnownAddressMs`. Locking the admin out by spending it therefore locks out only
 *   addresses that never signed in: the admin's usual address, and every live sign-in cookie, keep working, while a
 *   guesser (who has never presented a valid token) stays bound by both budgets.
 * The state is in memory: a restart forgets the known addresses and refills both budgets.
 */
import { isIPv6 } from 'node:net';
import type { Request, Response } from 'express';
import type { Config } from '../config.ts';
import { HttpError } from './errors.ts';
import { BucketTable, clientAddress, retryAfter } from './rate-limit.ts';
import type { ReasonCode } from '../../contract/reason-codes.ts';

export type LoginLimitConfig = Pick<
  Config,
  'trustProxy' | 'loginRatePerAddress' | 'loginFailureBudget' | 'loginKnownAddressMs' | 'rateLimitMaxBuckets'
>;

/** The bucket one address counts in: IPv4 as is (also when written IPv4-mapped), IPv6 by its /64 prefix. */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.toLowerCase().split('::');
  const groups = (text: string | undefined) => (text ? text.split(':') : []);
  const front = groups(head);
  const back = groups(tail);
  // A trailing dotted quad (::1.2.3.4) is two groups; only the first four matter here, so its value does not.
  const width = (parts: string[]) => parts.reduce((sum, part) => sum + (part.includes('.') ? 2 : 1), 0);
  const full = tail === undefined ? front : [...front, ...Array<string>(8 - width(front) - width(back)).fill('0'), ...back];
  return `${full.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** One token check under way: call `settle` with whether the token was valid. */
export interface LoginAttempt {
  settle(valid: boolean): void;
}

export class LoginLimiter {
  private readonly perAddress: BucketTable;
  private readonly budget: BucketTable;
  /** Address key → until when it counts as known (ms); oldest first, bounded like the buckets. */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly config: LoginLimitConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.perAddress = new BucketTable(config.loginRatePerAddress, now, config.rateLimitMaxBuckets);
    this.budget = new BucketTable(config.loginFailureBudget, now, 1);
  }

  /**
   * Takes an attempt for the request's client before its token is checked, or throws 429 with Retry-After. Taken
   * up front, so parallel guesses all count.
   */
  begin(req: Request, res: Response): LoginAttempt {
    const key = addressKey(clientAddress(req, this.config.trustProxy));
    const own = this.perAddress.take(key);
    if (!own.allowed) throw tooMany(res, own.retryAfterMs, 'rate_limited', 'Too many failed sign-ins from this address; retry later');
    const known = this.isKnown(key);
    if (!known) {
      const shared = this.budget.take('all');
      if (!shared.allowed) {
        // Not attempted, so not counted against the address either.
        this.perAddress.refund(key);
        throw tooMany(res, shared.retryAfterMs, 'login_budget_exhausted', 'Too many failed sign-ins on this server; retry later');
      }
    }
    return {
      settle: (valid) => {
        if (!valid) return;
        this.perAddress.refund(key);
        if (!known) this.budget.refund('all');
        this.remember(key);
      },
    };
  }

  private isKnown(key: string): boolean {
    const until = this.known.get(key);
    return until !== undefined && until > this.now();
  }

  private remember(key: string): void {
    this.known.delete(key);
    this.known.set(key, this.now() + this.config.loginKnownAddressMs);
    // A Map iterates oldest first: past the bound, the address that signed in longest ago is forgotten.
    if (this.known.size > this.config.rateLimitMaxBuckets) this.known.delete(this.known.keys().next().value!);
  }
}

function tooMany(res: Response, retryAfterMs: number, code: ReasonCode, message: string): HttpError {
  res.setHeader('Retry-After', retryAfter(retryAfterMs));
  return new HttpError(429, code, message);
}
