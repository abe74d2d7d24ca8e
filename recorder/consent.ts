import type { Recorder, SightlineClient } from './client.ts';
import { guard, SightlineError, type Reporter } from './errors.ts';
import type { StatusReporter } from './status.ts';

/**
 * Consent and opt-out signals in front of the recorder. Nothing starts, and so nothing is recorded, sent or
 * written to storage, until the visitor may be recorded. The decision is not stored: a stored "yes" would itself
 * be a cookie-like record, and the store's consent banner already remembers it and calls consent() on each page.
 */

export interface ConsentConfig {
  /** Start only on consent('granted'). */
  requireConsent: boolean;
  /** Global Privacy Control and Do Not Track count as a standing denial. */
  honorPrivacySignals: boolean;
}

export interface ConsentDeps {
  /** Starts the recorder (session, storage, rrweb). */
  start: () => Recorder;
  /** Removes Sightline's storage keys, left by an earlier visit, without writing anything. */
  forget: () => void;
  /** After stop(): the page may init() again. */
  onStop: () => void;
  report: Reporter;
  /** Told why nothing records; the recorder tells whether its session is sampled. */
  status: StatusReporter;
}

/** GPC is a legal opt-out (CCPA) and DNT its older cousin; either one means this visitor said no in advance. */
export function privacySignal(nav: Navigator): 'global_privacy_control' | 'do_not_track' | undefined {
  if ((nav as { globalPrivacyControl?: unknown }).globalPrivacyControl === true) return 'global_privacy_control';
  return nav.doNotTrack === '1' ? 'do_not_track' : undefined;
}

export function createConsentClient(config: ConsentConfig, nav: Navigator, deps: ConsentDeps): SightlineClient {
  const { report, status } = deps;
  const optedOut = config.honorPrivacySignals ? privacySignal(nav) : undefined;
  let recorder: Recorder | undefined;
  let ended = false;
  if (optedOut) {
    deps.forget();
    status(optedOut);
  } else if (config.requireConsent) {
    status('consent_pending');
  } else {
    recorder = deps.start();
  }

  return {
    track: (name, props) => recorder?.track(name, props),
    identify: (userId, traits) => recorder?.identify(userId, traits),
    flush: () => recorder?.flush() ?? Promise.resolve(),
    getSessionId: () => recorder?.getSessionId() ?? '',
    stop: guard(report, () => {
      recorder?.stop();
      recorder = undefined;
      if (!ended) deps.onStop();
      ended = true;
      status('stopped');
    }),
    consent: guard(report, (decision: 'granted' | 'denied') => {
      if (decision === 'denied') {
        if (recorder) recorder.discard();
        else deps.forget();
        recorder = undefined;
        // A privacy signal or stop() stays the reason: consent cannot undo either.
        if (!optedOut && !ended) status('consent_denied');
      } else if (decision === 'granted') {
        // A privacy signal outranks a banner click: the browser setting is the visitor's standing choice.
        if (!optedOut && !ended && !recorder) recorder = deps.start();
      } else {
        throw new SightlineError('invalid_call', "consent(): decision must be 'granted' or 'denied'");
      }
    }),
  };
}
