import { record } from '@rrweb/record';
import type { RecordedEvent, SlPayloads, SlTagName } from '../contract/protocol.ts';
import { MAX_EARLY_CUSTOM_EVENTS, MUTATION_COALESCE_MS } from './constants.ts';
import { guard, type Reporter } from './errors.ts';
import type { Privacy } from './privacy.ts';
import type { Timers } from './timers.ts';

/**
 * rrweb's recorder, started and stopped as sessions are sampled, with custom events queued until rrweb can
 * take them: rrweb refuses custom events before its first full snapshot is done.
 */

/** rrweb's EventType.FullSnapshot and IncrementalSnapshot, and its Mutation source (RrwebEventType in contract/protocol.ts). */
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
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
  /** Adds a Sightline event to the stream; dropped while not recording (session not sampled, or stopped). */
  addCustom<Tag extends SlTagName>(tag: Tag, payload: SlPayloads[Tag]): void;
  /** Emits the DOM changes held back for coalescing now (before a batch is cut for a page exit, flush() or stop). */
  flushMutations(): void;
}

export function createRecording(config: RecordingConfig): Recording {
  const { privacy, recordCanvas, report } = config;
  let stopRecord: (() => void) | undefined;
  let ready = false;
  let early: Array<{ tag: SlTagName; payload: unknown }> = [];
  /** rrweb's mutation buffers are frozen: DOM changes are noted, serialized once they thaw. */
  let frozen = false;
  let thawTimer: unknown;

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
    thawTimer = config.timers.setTimeout(guard(report, flushMutations), MUTATION_COALESCE_MS);
  }

  function flushMutations(): void {
    config.timers.clearTimeout(thawTimer);
    if (!frozen) return;
    frozen = false;
    recorder.unfreezePage?.();
  }

  function afterSnapshot(): void {
    if (!stopRecord) return;
    ready = true;
    config.onSnapshot();
    for (const { tag, payload } of early.splice(0)) record.addCustomEvent(tag, payload);
  }

  return {
    get active() {
      return stopRecord !== undefined;
    },
    start() {
      if (stopRecord) return;
      ready = false;
      stopRecord = record({
        emit: guard(report, (event: RecordedEvent) => {
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
    addCustom(tag, payload) {
      if (!stopRecord) return;
      if (ready) record.addCustomEvent(tag, payload);
      else if (early.length < MAX_EARLY_CUSTOM_EVENTS) early.push({ tag, payload });
    },
    flushMutations,
  };
}
