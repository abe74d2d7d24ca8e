/** When a failed webhook delivery is tried again: exponential backoff with jitter, inside a retry window. */
import type { WebhookConfig } from '../config.ts';

export type BackoffOptions = Pick<WebhookConfig, 'backoffBaseMs' | 'backoffMaxMs' | 'jitterRatio' | 'retryWindowMs'>;

/**
 * Delay after the `attempt`-th failed attempt (1 for the first), in ms: base · 2^(attempt − 1), at most the maximum,
 * plus up to `jitterRatio` of that at random (`random` returns [0, 1)).
 */
export function retryDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  // 2^30 already dwarfs any sensible maximum; capping the exponent keeps the arithmetic finite.
  const exponential = options.backoffBaseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30);
  const delay = Math.min(options.backoffMaxMs, exponential);
  return Math.round(delay * (1 + options.jitterRatio * random()));
}

/**
 * When to try again after the `attempt`-th failure at `now`, or null to give up: a retry that would start more
 * than the retry window after the event (`createdAt`) is not made.
 */
export function nextAttemptAt(
  attempt: number,
  createdAt: number,
  now: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number | null {
  const at = now + retryDelayMs(attempt, options, random);
  return at > createdAt + options.retryWindowMs ? null : at;
}
