import { readJson, type KeyValueStore } from './storage.ts';

/**
 * How many console or network events a page may add: at most `perSecond` in any one-second window, and at most
 * `perSession` in a session (counted from `used`, which the caller keeps across page loads). A page that logs in a
 * loop costs a few events a second, not its shoppers' bandwidth. Pure: the clock is the caller's.
 */
export interface RateLimit {
  /** True when one more event may go at `now` (ms), and counts it. */
  take(now: number): boolean;
  /** Events refused since the last one that went, and starts counting them again. */
  takeDropped(): number;
  /** Events counted against the session cap so far. */
  readonly used: number;
  /** Starts counting for another session, which has `used` events already. */
  reset(used: number): void;
}

export function createRateLimit(perSecond: number, perSession: number, used = 0): RateLimit {
  let windowStart = -Infinity;
  let inWindow = 0;
  let dropped = 0;
  return {
    take(now) {
      if (now - windowStart >= 1_000 || now < windowStart) {
        windowStart = now;
        inWindow = 0;
      }
      if (inWindow >= perSecond || used >= perSession) {
        dropped++;
        return false;
      }
      inWindow++;
      used++;
      return true;
    },
    takeDropped() {
      const count = dropped;
      dropped = 0;
      return count;
    },
    get used() {
      return used;
    },
    reset(count) {
      used = count;
      dropped = 0;
    },
  };
}

/**
 * A rate limit whose session cap holds across the session's page loads and tabs: the count is kept in `store`
 * (localStorage) under `key` with the session it counts for, and starts again at 0 for another session.
 */
export function sessionRateLimit(
  store: KeyValueStore,
  key: string,
  perSecond: number,
  perSession: number,
  sessionId: () => string,
): RateLimit {
  const limit = createRateLimit(perSecond, perSession);
  let countedFor = '';
  return {
    take(now) {
      const id = sessionId();
      if (id !== countedFor) {
        countedFor = id;
        const stored = readJson(store, key) as { s?: unknown; n?: unknown } | undefined;
        limit.reset(stored?.s === id && typeof stored.n === 'number' ? stored.n : 0);
      }
      const taken = limit.take(now);
      if (taken) store.set(key, JSON.stringify({ s: id, n: limit.used }));
      return taken;
    },
    takeDropped: limit.takeDropped,
    get used() {
      return limit.used;
    },
    reset: limit.reset,
  };
}
