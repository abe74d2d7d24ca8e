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
