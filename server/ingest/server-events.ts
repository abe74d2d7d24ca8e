/**
 * Reading the body of POST /api/events: one event, or `{ events: [...] }`, each
 * `{ id, name, sessionId | userId, timestamp, props }`. Refusals name the bad path (`events[3].timestamp: …`).
 */
import { z } from 'zod';
import type { ServerEventWrite } from '../storage/server-events.ts';
import { checkEventTimes, type EventTimeWindow } from './event-time.ts';
import { clientId, nestsDeeperThan } from './schema.ts';
import { IngestError, parseOrRaise } from './errors.ts';

/** Longest event id and user id, in characters: room for any order system's ids, not for documents. */
export const MAX_ID_CHARS = 200;
/** Longest event name, in characters. */
export const MAX_NAME_CHARS = 200;

export interface ServerEventLimits {
  /** Most events in one request; more answers 400 too_many_events. */
  maxEvents: number;
  /** Deepest nesting of objects and arrays in the body, as for ingest batches; deeper answers 400 too_deep. */
  maxNestingDepth: number;
  /** When the request arrived, ms since epoch: every timestamp must lie in `window` around it. */
  now: number;
  window: EventTimeWindow;
}

// Printable ASCII without spaces: ids end up in logs and answers, where invisible characters mislead.
const eventId = z
  .string()
  .min(1)
  .max(MAX_ID_CHARS)
  .regex(/^[\x21-\x7e]+$/, 'expected printable ASCII without spaces');

const isoDateTime = z.iso.datetime({ offset: true });

/** ms since epoch, or an ISO date-time with a zone turned into them; whether it is in range is checked after. */
const timestamp = z
  .unknown()
  .describe('ms since epoch, or an ISO 8601 date-time with a zone (2024-08-01T10:00:00Z)')
  .transform((value, context) => {
    const ts = typeof value === 'number' ? value : typeof value === 'string' && isoDateTime.safeParse(value).success ? Date.parse(value) : NaN;
    if (Number.isNaN(ts)) {
      context.addIssue({ code: 'custom', message: 'expected ms since epoch (a whole number) or an ISO 8601 date-time with a zone, such as 2024-08-01T10:00:00Z' });
      return z.NEVER;
    }
    return ts;
  });

const eventSchema = z
  .strictObject({
    id: eventId,
    name: z.string().min(1).max(MAX_NAME_CHARS),
    sessionId: clientId.optional(),
    userId: z.string().min(1).max(MAX_ID_CHARS).optional(),
    timestamp,
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

/** Several events in one request. */
const eventBatch = z.strictObject({ events: z.array(eventSchema).min(1) });

/** The body of POST /api/events: one event, or `{ events }`. readServerEvents tells them apart before parsing. */
export const serverEventsBody = z.union([eventSchema, eventBatch]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The events of a request body, validated, in the order sent; raises a 400 IngestError naming the first problem. */
export function readServerEvents(body: unknown, { maxEvents, maxNestingDepth, now, window }: ServerEventLimits): ServerEventWrite[] {
  // Before zod, which recurses: a forged body can nest deeper than the call stack.
  if (nestsDeeperThan(body, maxNestingDepth)) {
    throw new IngestError('too_deep', `Events may nest objects and arrays ${maxNestingDepth} levels deep`);
  }
  let events: ServerEventWrite[];
  let pathOf = (_index: number) => 'timestamp';
  if (isObject(body) && 'events' in body) {
    // Counted before validating each event, so an oversized request costs no per-event work.
    if (Array.isArray(body.events) && body.events.length > maxEvents) {
      throw new IngestError('too_many_events', `A request may hold ${maxEvents} events, got ${body.events.length}`);
    }
    events = parseOrRaise(eventBatch, body, 'invalid_event').events;
    pathOf = (index) => `events[${index}].timestamp`;
  } else {
    events = [parseOrRaise(eventSchema, body, 'invalid_event')];
  }
  checkEventTimes(events.map((event) => event.ts), now, window, pathOf);
  return events;
}
