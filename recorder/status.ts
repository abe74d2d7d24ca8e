import { guard, type Reporter } from './errors.ts';

/**
 * Whether the recorder records, and if not why: for `onStatus` and the `debug` console line. Each change is told
 * once; the same status again is not repeated.
 */
export type RecorderStatusReason =
  /** Recording this session. */
  | 'recording'
  /** `requireConsent` is on and consent('granted') has not been called on this page. */
  | 'consent_pending'
  /** consent('denied') was called. */
  | 'consent_denied'
  /** The browser sends Global Privacy Control, and `honorPrivacySignals` is on. */
  | 'global_privacy_control'
  /** The browser sends Do Not Track, and `honorPrivacySignals` is on. */
  | 'do_not_track'
  /** `sampleRate` left this session out. */
  | 'not_sampled'
  /** stop() was called. */
  | 'stopped';

export interface RecorderStatus {
  recording: boolean;
  reason: RecorderStatusReason;
}

export type StatusReporter = (reason: RecorderStatusReason) => void;

export function createStatusReporter(
  config: { onStatus?: (status: RecorderStatus) => void; debug: boolean },
  report: Reporter,
  // Taken at init, before console capture wraps it: the recorder's own line is not the page's console output.
  print: (line: string) => void = console.info.bind(console),
): StatusReporter {
  let last: RecorderStatusReason | undefined;
  return guard(report, (reason: RecorderStatusReason) => {
    if (reason === last) return;
    last = reason;
    const recording = reason === 'recording';
    // The reason's name is its explanation (docs/recorder.md: "Why nothing is recorded").
    if (config.debug) print(`[sightline] ${recording ? reason : `not recording: ${reason}`}`);
    config.onStatus?.({ recording, reason });
  });
}
