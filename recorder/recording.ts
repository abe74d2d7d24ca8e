import { record } from '@rrweb/record';
import type { RecordedEvent, SlPayloads, SlTagName } from '../contract/protocol.ts';
import { MAX_EARLY_CUSTOM_EVENTS } from './constants.ts';
import { guard, type Reporter } from './errors.ts';
import type { Privacy } from './privacy.ts';

/**
 * rrweb's recorder, started and stopped as sessions are sampled, with custom events queued until rrweb can
 * take them: rrweb refuses custom events before its first full snapshot is done.
 */

/** rrweb's EventType.FullSnapshot (RrwebEventType in contract/protocol.ts, which the recorder imports as types only). */
const FULL_SNAPSHOT = 2;

export interface RecordingConfig {
  privacy: Privacy;
  /** Record <canvas> pixels. */
  recordCanvas: boolean;
  /** Every rrweb event, in order. */
  onEvent: (event: RecordedEvent) => void;
  /** After each full snapshot, once rrweb accepts custom events (the place for sl:page). */
  onSnapshot: () => void;
  report: Reporter;
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
}

export function createRecording(config: RecordingConfig): Recording {
  const { privacy, recordCanvas, report } = config;
  let stopRecord: (() => void) | undefined;
  let ready = false;
  let early: Array<{ tag: SlTagName; payload: unknown }> = [];

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
  };
}
