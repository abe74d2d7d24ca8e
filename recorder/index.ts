/**
 * Sightline recorder: `init({ endpoint, project })` starts recording this page with rrweb, adds Sightline's
 * click, page, form and error events, and sends gzipped batches to the ingest endpoint.
 */
import { browserEnvironment, startClient, type SightlineClient } from './client.ts';
import { createConsentClient } from './consent.ts';
import { createReporter } from './errors.ts';
import { resolveOptions, type SightlineOptions } from './options.ts';
import { forgetStoredState } from './session.ts';
import { createStatusReporter } from './status.ts';

export type { SightlineClient } from './client.ts';
export type { SightlineOptions } from './options.ts';
export type { ConsoleOptions, NetworkOptions, UrlPattern } from './capture-options.ts';
export type { RecorderStatus, RecorderStatusReason } from './status.ts';
export { SightlineError, type SightlineErrorCode } from './errors.ts';
export { cssSelector } from './selector.ts';

let running: SightlineClient | undefined;

/**
 * Starts recording (or waits for consent() when requireConsent is set) and returns the client. Throws a clear Error on misuse (missing endpoint or project, wrong
 * types, sampleRate outside 0..1); after that nothing the recorder does throws into the page.
 * rrweb records one page once, so calling init() again while a client runs returns that running client and
 * ignores the new options; call `stop()` first to start over with other options.
 */
export function init(options: SightlineOptions): SightlineClient {
  if (running) return running;
  const resolved = resolveOptions(options);
  if (typeof window === 'undefined' || typeof document === 'undefined') {
    throw new Error('Sightline init: needs a browser (window and document); call it client-side only');
  }
  const win = window;
  const removeFrom = (open: () => Storage) => ({
    remove(key: string) {
      try {
        open().removeItem(key);
      } catch {
        // Storage unavailable: nothing of ours can be in it either.
      }
    },
  });
  const report = createReporter(resolved.onError);
  const status = createStatusReporter(resolved, report);
  running = createConsentClient(resolved, win.navigator, {
    // The environment is made only here: opening storage writes a probe key, which must wait for consent too.
    start: () => startClient(resolved, browserEnvironment(win), status),
    forget: () => forgetStoredState(removeFrom(() => win.localStorage), removeFrom(() => win.sessionStorage)),
    onStop: () => {
      running = undefined;
    },
    report,
    status,
  });
  return running;
}
