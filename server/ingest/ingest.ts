import type { Config } from '../config.ts';
import type { IngestAck, IngestBatch, RecordedEvent } from '../../contract/protocol.ts';
import type { AppendedChunk } from '../storage/model.ts';
import type { Store } from '../storage/store.ts';
import { decodeBody } from './decode.ts';
import { checkDevEvents } from './dev-events.ts';
import { checkEventTimes } from './event-time.ts';
import { sanitizeEvents } from './sanitize.ts';
import { batchSchema, nestsDeeperThan } from './schema.ts';
import { findTextReferences, indexSharedTexts, resolveTextReferences } from './shared-texts.ts';
import { parseUserAgent } from './user-agent.ts';
import { IngestError, parseOrRaise } from './errors.ts';

export interface IngestContext {
  store: Store;
  config: Pick<
    Config,
    | 'maxInflatedBytes'
    | 'maxEventsPerBatch'
    | 'maxPageKeySteps'
    | 'maxEventBytes'
    | 'maxNestingDepth'
    | 'maxSessionMs'
    | 'maxSessionEvents'
    | 'maxPastSkewMs'
    | 'maxFutureSkewMs'
  >;
  /** The request's User-Agent header. */
  userAgent: string | undefined;
  /** Server clock, ms since epoch. */
  now: number;
  /** The request's Origin header; checked against the project's allowed origins. */
  origin?: string | undefined;
  /** Called with the key of a known project before anything is stored; throws to refuse (rate limit). */
  admitProject?: (key: string) => void;
  /**
   * Whether keying the pages the events navigate to against these patterns stays within config.maxPageKeySteps
   * (the pipeline's meter, which derivation uses); a batch over it is refused before anything is stored.
   */
  pageKeysWithin?: (events: readonly RecordedEvent[], patterns: readonly string[]) => boolean;
  /** Called after the commit with a batch that was stored (not a duplicate): the pipeline derives it. */
  appended?: (batch: AppendedChunk) => void;
}

/**
 * Decodes, validates and appends one batch; resolves with the acknowledgement only after the commit. Nothing is
 * derived here: the pipeline derives the batch once it is stored (server/pipeline/).
 */
export async function ingestBatch(
  body: Buffer,
  { store, config, userAgent, now, origin, admitProject, pageKeysWithin, appended }: IngestContext,
): Promise<IngestAck> {
  const json = await decodeBody(body, config.maxInflatedBytes);
  // Count before validating each event, so an oversized batch costs no per-event work.
  const events = (json as { events?: unknown } | null)?.events;
  if (Array.isArray(events) && events.length > config.maxEventsPerBatch) {
    const message = `A batch may hold ${config.maxEventsPerBatch} events, got ${events.length}`;
    throw new IngestError('too_many_events', message);
  }
  // Before anything that recurses (zod, JSON.stringify): a forged body can nest deeper than the call stack.
  if (nestsDeeperThan(json, config.maxNestingDepth)) {
    throw new IngestError('too_deep', `Batches may nest objects and arrays ${config.maxNestingDepth} levels deep`);
  }
  const batch = parseOrRaise(batchSchema, json, 'schema_mismatch');
  checkEventTimes(batch.events.map((event) => event.timestamp), now, config, (index) => `events[${index}].timestamp`);
  checkEventSizes(events as RecordedEvent[], config.maxEventBytes);
  const checked = checkDevEvents(events as RecordedEvent[]);
  const project = await store.findProjectByKey(batch.project);
  if (!project) throw new IngestError('unknown_project', `No project has the key "${batch.project}"`, 403);
  // Only known keys get a bucket, so random keys cannot grow the limiter's memory.
  admitProject?.(project.key);
  // The key is public (it is in every store page), so a non-empty list is what stops other sites posting with it.
  // No Origin at all is refused too: browsers always send one with a POST, so only other clients omit it.
  if (project.allowedOrigins.length > 0 && (!origin || !project.allowedOrigins.includes(origin))) {
    const from = origin ?? 'a request without an Origin header';
    throw new IngestError('origin_not_allowed', `Project "${project.key}" does not accept data from ${from}`, 403);
  }
  await checkSessionLength(store, project.id, batch.sessionId, batch.events, config);
  await putBackSharedTexts(store, project.id, batch, events as RecordedEvent[]);

  const client = parseUserAgent(userAgent);
  // The events as parsed from the body, not zod's copies, minus anything that would run on replay.
  const received = sanitizeEvents(checked).events;
  if (pageKeysWithin && !pageKeysWithin(received, project.pagePatterns)) {
    const message = `Matching this batch's page URLs against the project's page patterns needs more than ${config.maxPageKeySteps} steps`;
    throw new IngestError('page_keys_too_costly', message);
  }
  const result = await store.appendChunk({
    projectId: project.id,
    sessionId: batch.sessionId,
    windowId: batch.windowId,
    seq: batch.seq,
    events: received,
    ...timeSpan(received),
    ...client,
    receivedAt: now,
  });
  if (result.outcome === 'project_mismatch') {
    throw new IngestError('session_conflict', `Session ${batch.sessionId} belongs to another project`, 409);
  }
  if (result.outcome === 'stored') {
    const { eventsGz, rawBytes } = result;
    appended?.({ sessionId: batch.sessionId, windowId: batch.windowId, seq: batch.seq, events: received, eventsGz, rawBytes });
  }
  const { sessionId, windowId, seq } = batch;
  return { ok: true, sessionId, windowId, seq, duplicate: result.outcome === 'duplicate' };
}

/** The earliest and latest event time of a batch. */
function timeSpan(events: readonly RecordedEvent[]): { firstTs: number; lastTs: number } {
  let firstTs = Infinity;
  let lastTs = -Infinity;
  for (const { timestamp } of events) {
    firstTs = Math.min(firstTs, timestamp);
    lastTs = Math.max(lastTs, timestamp);
  }
  return { firstTs, lastTs };
}

/**
 * Puts back, in place, the long texts the batch refers to instead of carrying them (protocol-texts.ts), read from
 * the earlier chunks of its window: before sanitizing, so what is stored is plain rrweb, checked like any other.
 */
async function putBackSharedTexts(store: Store, projectId: number, batch: IngestBatch, events: RecordedEvent[]): Promise<void> {
  const references = findTextReferences(events);
  if (references.length === 0) return;
  const texts = new Map<string, string>();
  // Another project's session lends this batch nothing (saveChunk then refuses the batch as a conflict).
  if (await store.getSession(projectId, batch.sessionId)) {
    for (const seq of new Set(references.map((reference) => reference.seq))) {
      const stored = await store.readEvents({ sessionId: batch.sessionId, windowId: batch.windowId, fromSeq: seq, minEvents: 1 });
      indexSharedTexts(stored.events, texts);
    }
  }
  resolveTextReferences(references, texts);
}

function checkEventSizes(events: readonly RecordedEvent[], maxEventBytes: number): void {
  for (const [index, event] of events.entries()) {
    const bytes = Buffer.byteLength(JSON.stringify(event));
    if (bytes > maxEventBytes) {
      throw new IngestError('event_too_large', `events[${index}] is ${bytes} bytes as JSON; the limit is ${maxEventBytes}`);
    }
  }
}

/**
 * Caps how long a session goes on, by event time: the batch's last event may lie at most `maxSessionMs` after the
 * session's first event. Measured in the order events were recorded, not by min and max, so one stray timestamp
 * inside a batch (a clock glitch; one corpus stream has a digit too many) does not refuse a whole session.
 * Also caps the events a session holds, counting what is already stored.
 */
async function checkSessionLength(
  store: Store,
  projectId: number,
  sessionId: string,
  events: readonly RecordedEvent[],
  { maxSessionMs, maxSessionEvents }: Pick<Config, 'maxSessionMs' | 'maxSessionEvents'>,
): Promise<void> {
  // A session of another project is refused as a conflict by appendChunk; its length does not matter here.
  const registered = await store.sessionRegistration(sessionId);
  const stored = registered?.projectId === projectId ? registered : undefined;
  const start = Math.min(stored?.startedAt ?? Infinity, events[0]!.timestamp);
  const span = events[events.length - 1]!.timestamp - start;
  if (span > maxSessionMs) {
    throw new IngestError('session_too_long', `A session may span ${maxSessionMs} ms of event time, this one ${span}`);
  }
  const total = (stored?.eventCount ?? 0) + events.length;
  if (total > maxSessionEvents) {
    throw new IngestError('session_too_long', `A session may hold ${maxSessionEvents} events, this one ${total}`);
  }
}
