/**
 * Reading the body of POST /api/events: one event, or `{ events: [...] }`, each
 * `{ id, name, sessionId | userId, timestamp, props }`. Refusals name the bad path (`events[3].timestamp: …`).
 */
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { ServerEventWrite } from '../storage/server-events.ts';
import { clientId, nestsDeeperThan } from './schema.ts';

/** Earliest event time accepted: an earlier one is most likely seconds sent where milliseconds are expected. */
export const EARLIEST_EVENT_TS = Date.UTC(2000, 0, 1);
/** How far past the server's clock an event may lie, in ms: clocks drift, but orders are not placed tomorrow. */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;
/** Longest event id and user id, in characters: room for any order system's ids, not for documents. */
export const MAX_ID_CHARS = 200;
/** Longest event name, in characters. */
export const MAX_NAME_CHARS = 200;

export interface ServerEventLimits {
  /** Most events in one request; more answers 400 too_many_events. */
  maxEvents: number;
  /** Deepest nesting of objects and arrays in the body, as for ingest batches; deeper answers 400 too_deep. */
  maxNestingDepth: number;
  /** Server clock, ms since epoch, for the timestamp's upper bound. */
  now: number;
}

// Printable ASCII without spaces: ids end up in logs and answers, where invisible characters mislead.
const eventId = z
  .string()
  .min(1)
  .max(MAX_ID_CHARS)
  .regex(/^[\x21-\x7e]+$/, 'expected printable ASCII without spaces');

const isoDateTime = z.iso.datetime({ offset: true });

function timestamp(now: number) {
  return z.unknown().transform((value, context) => {
    const ts = typeof value === 'number' ? value : typeof value === 'string' && isoDateTime.safeParse(value).success ? Date.parse(value) : NaN;
    if (!Number.isSafeInteger(ts)) {
      context.addIssue({ code: 'custom', message: 'expected ms since epoch (a whole number) or an ISO 8601 date-time with a zone, such as 2024-08-01T10:00:00Z' });
      return z.NEVER;
    }
    if (ts < EARLIEST_EVENT_TS || ts > now + MAX_FUTURE_SKEW_MS) {
      context.addIssue({ code: 'custom', message: `${ts} ms lies before 2000 or more than a day ahead (seconds where ms are expected?)` });
      return z.NEVER;
    }
    return ts;
  });
}

function eventSchema(now: number) {
  return z
    .strictObject({
      id: eventId,
      name: z.string().min(1).max(MAX_NAME_CHARS),
      sessionId: clientId.optional(),
      userId: z.string().min(1).max(MAX_ID_CHARS).optional(),
      timestamp: timestamp(now),
      // The same shape `track(name, props)` sends: a JSON object, never an array or a bare value.
      props: z.record(z.string(), z.unknown()).default({}),
    })
    .superRefine((event, context) => {
      if (event.sessionId === undefined && event.userId === undefined) {
        context.addIssue({ code: 'custom', path: ['sessionId'], message: 'an event needs a sessionId or a userId' });
      }
    })
    .transform(
      ({ id, name, sessionId, userId, timestamp: ts, props }): ServerEventWrite => ({
        id,
        name,
        ts,
        sessionId: sessionId ?? null,
        userId: userId ?? null,
        props,
      }),
    );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The events of a request body, validated, in the order sent; throws a 400 HttpError naming the first problem. */
export function readServerEvents(body: unknown, { maxEvents, maxNestingDepth, now }: ServerEventLimits): ServerEventWrite[] {
  // Before zod, which recurses: a forged body can nest deeper than the call stack.
  if (nestsDeeperThan(body, maxNestingDepth)) {
    throw new HttpError(400, 'too_deep', `Events may nest objects and arrays ${maxNestingDepth} levels deep`);
  }
  const event = eventSchema(now);
  if (isObject(body) && 'events' in body) {
    // Counted before validating each event, so an oversized request costs no per-event work.
    if (Array.isArray(body.events) && body.events.length > maxEvents) {
      throw new HttpError(400, 'too_many_events', `A request may hold ${maxEvents} events, got ${body.events.length}`);
    }
    return parseOrThrow(z.strictObject({ events: z.array(event).min(1) }), body, 'invalid_event').events;
  }
  return [parseOrThrow(event, body, 'invalid_event')];
}
