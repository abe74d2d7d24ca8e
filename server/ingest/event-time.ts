/**
 * The window of event times a request may carry: every event of a recorder batch or of POST /api/events must lie
 * between `maxPastSkewMs` before the request arrived and `maxFutureSkewMs` after it, in whole milliseconds. Past it
 * a timestamp is a bug or a forgery (seconds sent as milliseconds, 8.7e15), and every report buckets by time, so it
 * never reaches storage: the whole request is refused and nothing of it is stored.
 */
import type { Config } from '../config.ts';
import { IngestError } from './errors.ts';

export type EventTimeWindow = Pick<Config, 'maxPastSkewMs' | 'maxFutureSkewMs'>;

/** Why `ts` cannot be stored for a request received at `now`, or undefined when it can. */
export function eventTimeProblem(ts: number, now: number, { maxPastSkewMs, maxFutureSkewMs }: EventTimeWindow): string | undefined {
  if (!Number.isSafeInteger(ts)) return `${ts} is not a whole number of ms since epoch`;
  if (ts < now - maxPastSkewMs) return `${ts} lies ${now - ts} ms before this request arrived; at most ${maxPastSkewMs} ms are accepted`;
  if (ts > now + maxFutureSkewMs) return `${ts} lies ${ts - now} ms after this request arrived; at most ${maxFutureSkewMs} ms are accepted`;
  return undefined;
}

/** Throws 400 timestamp_out_of_range naming the first event (by its path, e.g. `events[3].timestamp`) outside the window. */
export function checkEventTimes(
  timestamps: readonly number[],
  now: number,
  window: EventTimeWindow,
  pathOf: (index: number) => string,
): void {
  for (const [index, ts] of timestamps.entries()) {
    const problem = eventTimeProblem(ts, now, window);
    if (problem) throw new IngestError('timestamp_out_of_range', `${pathOf(index)}: ${problem}`);
  }
}
