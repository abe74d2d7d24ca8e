import { z } from 'zod';

// Recorder-made ids (UUIDs, nanoids): a strict charset keeps them safe in URLs, logs and file names.
export const clientId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "-" or "_"');

/** One rrweb event: the fields Sightline relies on are checked; any other field is kept untouched. */
export const eventSchema = z.looseObject({
  type: z.number().int().min(0).max(6),
  timestamp: z.number(),
  // `data: z.unknown()` would accept a missing key; rrweb events always carry one.
  data: z.custom<unknown>((value) => value !== undefined, { message: 'expected a value, received undefined' }),
});

/** The body of POST /api/ingest (IngestBatch in contract/protocol.ts). */
export const batchSchema = z.object({
  v: z.literal(1),
  project: z.string().min(1).max(128),
  sessionId: clientId,
  windowId: clientId,
  seq: z.number().int().min(0),
  sentAt: z.number(),
  events: z.array(eventSchema).min(1),
});

/**
 * Longest texts a developer event may carry, in characters. The recorder's own are far shorter (2,000 by default for a
 * console line, 4,000 for a body); these leave room for sites that raise the recorder's limits, and refuse a forged
 * batch that would fill the database with one event.
 */
export const MAX_DEV_TEXT_CHARS = 20_000;
export const MAX_DEV_URL_CHARS = 8_192;
export const MAX_STACK_FRAMES = 50;
export const MAX_HEADERS = 100;

const devText = z.string().max(MAX_DEV_TEXT_CHARS);
const count = z.number().int().min(0);

const stackFrame = z.object({
  fn: z.string().max(1_000),
  file: z.string().max(MAX_DEV_URL_CHARS),
  line: count,
  column: count,
});
const frames = z.array(stackFrame).max(MAX_STACK_FRAMES);
const headers = z
  .record(z.string().max(256), z.string().max(MAX_DEV_TEXT_CHARS))
  .refine((value) => Object.keys(value).length <= MAX_HEADERS, `at most ${MAX_HEADERS} headers`);

/** sl:console's payload (ConsolePayload in contract/protocol.ts). */
export const consolePayloadSchema = z.object({
  level: z.enum(['error', 'warn', 'info', 'log', 'debug']),
  message: devText,
  frames,
  dropped: count.optional(),
});

/** sl:network's payload (NetworkPayload in contract/protocol.ts). */
export const networkPayloadSchema = z.object({
  kind: z.enum(['fetch', 'xhr']),
  // An HTTP method is a token: letters, digits and a few marks, never spaces or markup.
  method: z.string().min(1).max(32).regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'expected an HTTP method'),
  url: z.string().max(MAX_DEV_URL_CHARS),
  status: z.number().int().min(0).max(999),
  failure: z.enum(['error', 'abort', 'timeout']).optional(),
  durationMs: z.number().min(0).max(86_400_000),
  requestBytes: count.nullable(),
  responseBytes: count.nullable(),
  requestHeaders: headers.optional(),
  responseHeaders: headers.optional(),
  requestBody: devText.optional(),
  responseBody: devText.optional(),
  dropped: count.optional(),
});

/** sl:error's frames, when a recorder sends them; the rest of the payload stays as tolerant as before. */
export const errorPayloadSchema = z.looseObject({ frames: frames.optional() });

/**
 * True when `value` nests objects and arrays deeper than `maxDepth` (the top level is 1). Iterative, because a
 * forged body can nest far deeper than the call stack, and everything after this check (zod, the sanitizer's
 * callers, JSON.stringify when storing) recurses.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth > maxDepth) return true;
    const children = Array.isArray(item.value) ? item.value : Object.values(item.value);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: item.depth + 1 });
    }
  }
  return false;
}
