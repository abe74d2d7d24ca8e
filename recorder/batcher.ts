import { BULK_BATCH_BYTES, BULK_BATCH_DELAY_MS } from './constants.ts';
import { realTimers, type Timers } from './timers.ts';

/**
 * The buffer between rrweb and the transport. Flush policy: a batch is cut
 * - when its oldest event has waited `maxAgeMs`,
 * - when it holds `maxEvents` events,
 * - before an event would take its JSON past `maxBytes` (an event larger than that travels alone, never dropped),
 * - within BULK_BATCH_DELAY_MS once it holds BULK_BATCH_BYTES (a full snapshot, a burst of mutations): what is still
 *   buffered when the page is left must travel as plain JSON, so the bulk should leave gzipped while there is time,
 * - when the session changes, so one batch never mixes sessions,
 * - and whenever the owner calls `cut()` (page hidden, a navigation starting, flush(), stop()).
 * Events are serialized once, on arrival: that measures their size and is the body's text at the same time.
 */
export interface BatchCut {
  sessionId: string;
  /** Each event's JSON text, in arrival order. */
  events: string[];
  /** Sum of the events' JSON lengths (UTF-16 code units: bytes for ASCII text). */
  bytes: number;
  /** What the events' `add` calls said they carry (the keys of shared texts sent in full), in order. */
  carries: string[];
}

export interface BatcherConfig {
  /** Longest wait of an event in the buffer, in ms. */
  maxAgeMs: number;
  /** Events per batch at most. */
  maxEvents: number;
  /** Uncompressed JSON per batch at most, in bytes. */
  maxBytes: number;
}

export interface Batcher {
  /** Events waiting in the buffer. */
  readonly pendingEvents: number;
  /** `carries`: whatever the owner needs to know travelled in the batch that holds this event. */
  add(event: unknown, sessionId: string, carries?: readonly string[]): void;
  /** Hands the buffered events over as one batch; does nothing when the buffer is empty. */
  cut(): void;
  /** Drops the age timer; buffered events stay until the next cut(). */
  dispose(): void;
}

export function createBatcher(config: BatcherConfig, onCut: (cut: BatchCut) => void, timers: Timers = realTimers): Batcher {
  let events: string[] = [];
  let bytes = 0;
  let carries: string[] = [];
  let sessionId = '';
  let ageTimer: unknown;
  let dueAt = 0;

  function stopTimer(): void {
    timers.clearTimeout(ageTimer);
    ageTimer = undefined;
  }

  function cutWithin(ms: number): void {
    stopTimer();
    dueAt = timers.now() + ms;
    ageTimer = timers.setTimeout(cut, ms);
  }

  function cut(): void {
    stopTimer();
    if (events.length === 0) return;
    const batch: BatchCut = { sessionId, events, bytes, carries };
    events = [];
    bytes = 0;
    carries = [];
    onCut(batch);
  }

  return {
    get pendingEvents() {
      return events.length;
    },
    add(event, eventSessionId, eventCarries) {
      const json = JSON.stringify(event);
      if (events.length > 0 && (eventSessionId !== sessionId || bytes + json.length > config.maxBytes)) cut();
      if (events.length === 0) {
        sessionId = eventSessionId;
        cutWithin(config.maxAgeMs);
      }
      events.push(json);
      bytes += json.length;
      if (eventCarries && eventCarries.length > 0) carries.push(...eventCarries);
      if (events.length >= config.maxEvents || bytes >= config.maxBytes) cut();
      // An earlier deadline stands: the age timer may already be due sooner.
      else if (bytes >= BULK_BATCH_BYTES && timers.now() + BULK_BATCH_DELAY_MS < dueAt) cutWithin(BULK_BATCH_DELAY_MS);
    },
    cut,
    dispose: stopTimer,
  };
}
