import { record } from '@rrweb/record';
import type { RecordedEvent, SlPayloads, SlTagName } from '../contract/protocol.ts';
import {
  COALESCED_THAW_BUDGET_MS,
  MAX_EARLY_CUSTOM_EVENTS,
  MIN_MUTATION_COALESCE_MS,
  MUTATION_COALESCE_MS,
} from './constants.ts';
import { guard, type Reporter } from './errors.ts';
import type { Privacy } from './privacy.ts';
import type { Timers } from './timers.ts';

/**
 * rrweb's recorder, started and stopped as sessions are sampled, with custom events queued until rrweb can
 * take them: rrweb refuses custom events before its first full snapshot is done.
 */

/** rrweb's EventType values and its Mutation source (RrwebEventType in contract/protocol.ts, types only here). */
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const CUSTOM = 5;
const MUTATION = 0;

/** rrweb's record() with the `unfreezePage` that scripts/build.mjs adds beside rrweb's own freezePage. */
const recorder = record as typeof record & { unfreezePage?: () => void };

export interface RecordingConfig {
  privacy: Privacy;
  /** Record <canvas> pixels. */
  recordCanvas: boolean;
  /** Every rrweb event, in order. */
  onEvent: (event: RecordedEvent) => void;
  /** After each full snapshot, once rrweb accepts custom events (the place for sl:page). */
  onSnapshot: () => void;
  report: Reporter;
  timers: Timers;
}

export interface Recording {
  /** rrweb is running (the session is sampled and the client not stopped). */
  readonly active: boolean;
  start(): void;
  stop(): void;
  /** Starts a new replay at the current page state (after a session rollover). */
  snapshotAgain(): void;
  /**
   * Adds a Sightline event to the stream, at `time` (ms since epoch) when given, else now; dropped while not
   * recording (session not sampled, or stopped).
   */
  addCustom<Tag extends SlTagName>(tag: Tag, payload: SlPayloads[Tag], time?: number): void;
  /** Adds an rrweb event made outside rrweb (the last field's value) once rrweb has snapshotted the page. */
  addEvent(event: RecordedEvent): void;
  /** rrweb's id of a recorded node, -1 for one it does not know (blocked, added after it stopped). */
  idOf(node: Node): number;
  /** Emits the DOM changes held back for coalescing now (before a batch is cut for a page exit, flush() or stop). */
  flushMutations(): void;
}

/**
 * The next coalescing window, from the last one and what thawing it took (both in ms): shrunk in proportion when the
 * thaw went over its budget, doubled when it did not, always within MIN_MUTATION_COALESCE_MS..MUTATION_COALESCE_MS.
 */
export function nextCoalesceWindow(windowMs: number, thawMs: number): number {
  const scaled = thawMs > COALESCED_THAW_BUDGET_MS ? (windowMs * COALESCED_THAW_BUDGET_MS) / thawMs : windowMs * 2;
  return Math.max(MIN_MUTATION_COALESCE_MS, Math.min(MUTATION_COALESCE_MS, scaled));
}

export function createRecording(config: RecordingConfig): Recording {
  const { privacy, recordCanvas, report } = config;
  let stopRecord: (() => void) | undefined;
  let ready = false;
  let early: Array<{ tag: SlTagName; payload: unknown; time?: number }> = [];
  /** Time of rrweb's first event since start(). */
  let startedAt = 0;
  /** rrweb's mutation buffers are frozen: DOM changes are noted, serialized once they thaw. */
  let frozen = false;
  let thawTimer: unknown;
  /** The current window: as long as thaws stay within their budget, MUTATION_COALESCE_MS. */
  let windowMs = MUTATION_COALESCE_MS;

  /**
   * Mutation coalescing: after rrweb emits a mutation, its buffers freeze for MUTATION_COALESCE_MS; rrweb keeps
   * noting changes and, when they thaw, serializes the net result once: nodes added and removed meanwhile are
   * never serialized, a node's text or attribute changed ten times is sent once. rrweb thaws by itself before any
   * other event (input, scroll, a click, our custom events), so the replay's order of changes and actions holds.
   */
  function afterEvent(event: RecordedEvent): void {
    const mutation = event.type === INCREMENTAL && (event.data as { source?: number }).source === MUTATION;
    if (!mutation) {
      // rrweb has just thawed to emit this event (a snapshot thaws nothing, but there is nothing to hold then).
      frozen = false;
      return;
    }
    if (frozen || !recorder.unfreezePage) return;
    frozen = true;
    record.freezePage();
    config.timers.clearTimeout(thawTimer);
    thawTimer = config.timers.setTimeout(guard(report, thawOnTime), windowMs);
  }

  /** The window's end: thaws, and sizes the next window by what this thaw cost. */
  function thawOnTime(): void {
    const started = config.timers.now();
    flushMutations();
    windowMs = nextCoalesceWindow(windowMs, config.timers.now() - started);
  }

  function flushMutations(): void {
    config.timers.clearTimeout(thawTimer);
    if (!frozen) return;
    frozen = false;
    recorder.unfreezePage?.();
  }

  function addNow(tag: SlTagName, payload: unknown, time: number | undefined): void {
    // rrweb stamps its custom events with the current time; one that happened earlier (a console call made while
    // the capture loaded) is made here with its own time.
    // Never before the recording's first event: a replay starts at its first event, which must be rrweb's Meta.
    if (time === undefined) record.addCustomEvent(tag, payload);
    else {
      flushMutations(); // as rrweb thaws before any event it emits, so the stream keeps its order
      config.onEvent({ type: CUSTOM, data: { tag, payload }, timestamp: Math.max(time, startedAt) });
    }
  }

  function afterSnapshot(): void {
    if (!stopRecord) return;
    ready = true;
    config.onSnapshot();
    for (const { tag, payload, time } of early.splice(0)) addNow(tag, payload, time);
  }

  return {
    get active() {
      return stopRecord !== undefined;
    },
    start() {
      if (stopRecord) return;
      ready = false;
      startedAt = 0;
      stopRecord = record({
        emit: guard(report, (event: RecordedEvent) => {
          startedAt ||= event.timestamp;
          config.onEvent(event);
          afterEvent(event);
          // rrweb counts itself as recording only after this emit returns; a microtask later it takes custom events.
          if (event.type === FULL_SNAPSHOT) queueMicrotask(guard(report, afterSnapshot));
        }),
        ...privacy.recordOptions,
        recordCanvas,
        // Start as soon as the DOM is parsed, not after every image loaded ('load', rrweb's default).
        recordAfter: 'DOMContentLoaded',
        // Only the last value of a burst of input events: fewer events, and keystrokes are not replayed one by one.
        sampling: { input: 'last' },
        errorHandler: (error: unknown) => {
          report(error);
          return true; // handled: rrweb must not rethrow into the page
        },
      }) ?? undefined;
    },
    stop() {
      flushMutations();
      const stop = stopRecord;
      stopRecord = undefined;
      ready = false;
      early = [];
      stop?.();
    },
    snapshotAgain() {
      if (ready) record.takeFullSnapshot(true);
    },
    addEvent(event) {
      if (!ready) return;
      flushMutations();
      config.onEvent(event);
    },
    idOf: (node) => record.mirror.getId(node),
    addCustom(tag, payload, time) {
      if (!stopRecord) return;
      if (ready) addNow(tag, payload, time);
      else if (early.length < MAX_EARLY_CUSTOM_EVENTS) early.push({ tag, payload, time });
    },
    flushMutations,
  };
}
