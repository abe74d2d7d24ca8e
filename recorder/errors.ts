/** The recorder's own errors: typed for `onError`, and never thrown into the host page. */

export type SightlineErrorCode =
  /** A send failed (network, 5xx, 408, 429); the batch stays queued for retry. */
  | 'send_failed'
  /** The server refused a batch with another 4xx; that batch was dropped. */
  | 'batch_rejected'
  /** The retry queue outgrew maxQueueBytes; its oldest batch was dropped. */
  | 'queue_overflow'
  /** track()/identify() called with wrong arguments; the call was ignored. */
  | 'invalid_call'
  /** The store's beforeSend threw or returned something other than an event or null; that event was dropped. */
  | 'before_send_failed'
  /** The developer capture (console, network: a second file) could not be loaded; recording goes on without it. */
  | 'capture_unavailable'
  /** Anything else that went wrong inside the recorder or rrweb. */
  | 'internal';

export class SightlineError extends Error {
  // `declare`: assigned in the constructor, so esbuild need not emit a class-field helper into the bundle.
  declare readonly code: SightlineErrorCode;

  constructor(code: SightlineErrorCode, message: string, cause?: unknown) {
    super(`sightline: ${message}`);
    this.name = 'SightlineError';
    this.code = code;
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

/** Hands an error to the store's onError; a throwing onError is swallowed too. */
export type Reporter = (error: unknown) => void;

export function createReporter(onError: ((error: SightlineError) => void) | undefined): Reporter {
  return (error) => {
    if (!onError) return;
    const typed =
      error instanceof SightlineError
        ? error
        : new SightlineError('internal', error instanceof Error ? error.message : String(error), error);
    try {
      onError(typed);
    } catch {
      // The store's own handler failed; there is nobody left to tell, and the page must not see it.
    }
  };
}

/** Wraps a listener or callback so that whatever it throws goes to `report` instead of the page. */
export function guard<Args extends unknown[], Result>(
  report: Reporter,
  fn: (...args: Args) => Result,
): (...args: Args) => Result | undefined {
  return (...args) => {
    try {
      return fn(...args);
    } catch (error) {
      report(error);
      return undefined;
    }
  };
}
