import type { Config } from '../config.ts';
import { HttpError } from '../http/errors.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { IngestAck, RecordedEvent } from '../protocol.ts';
import type { ChunkDerivation } from '../storage/derived-model.ts';
import type { Store } from '../storage/store.ts';
import { decodeBody } from './decode.ts';
import { deriveChunkRows } from './derive-rows.ts';
import { findSignals, SIGNAL_CONTEXT_MS } from './derive-signals.ts';
import { batchSchema } from './schema.ts';
import { summarizeEvents } from './session-summary.ts';
import { parseUserAgent } from './user-agent.ts';

export interface IngestContext {
  store: Store;
  config: Pick<Config, 'maxInflatedBytes' | 'maxEventsPerBatch' | 'activityGapMs'>;
  /** The request's User-Agent header. */
  userAgent: string | undefined;
  /** Server clock, ms since epoch. */
  now: number;
}

/** Decodes, validates and stores one batch; resolves with the acknowledgement only after the commit. */
export async function ingestBatch(body: Buffer, { store, config, userAgent, now }: IngestContext): Promise<IngestAck> {
  const json = await decodeBody(body, config.maxInflatedBytes);
  // Count before validating each event, so an oversized batch costs no per-event work.
  const events = (json as { events?: unknown } | null)?.events;
  if (Array.isArray(events) && events.length > config.maxEventsPerBatch) {
    const message = `A batch may hold ${config.maxEventsPerBatch} events, got ${events.length}`;
    throw new HttpError(400, 'too_many_events', message);
  }
  const batch = parseOrThrow(batchSchema, json, 'schema_mismatch');
  const project = await store.findProjectByKey(batch.project);
  if (!project) throw new HttpError(403, 'unknown_project', `No project has the key "${batch.project}"`);

  const client = parseUserAgent(userAgent);
  // The events as parsed from the body, not zod's copies: they are stored exactly as received.
  const received = events as RecordedEvent[];
  const derivation: ChunkDerivation = {
    // The project's patterns as they are now: changing them keys new data only; rows already stored keep their keys.
    rows: (carry) => deriveChunkRows(received, carry, { pagePatterns: project.pagePatterns }),
    signals: findSignals,
    signalContextMs: SIGNAL_CONTEXT_MS,
  };
  const outcome = await store.saveChunk(
    {
      projectId: project.id,
      sessionId: batch.sessionId,
      windowId: batch.windowId,
      seq: batch.seq,
      events: received,
      browser: client.browser,
      os: client.os,
      receivedAt: now,
    },
    (carry) => summarizeEvents(batch.events, carry, config),
    derivation,
  );
  if (outcome === 'project_mismatch') {
    throw new HttpError(409, 'session_conflict', `Session ${batch.sessionId} belongs to another project`);
  }
  const { sessionId, windowId, seq } = batch;
  return { ok: true, sessionId, windowId, seq, duplicate: outcome === 'duplicate' };
}
