/**
 * The script-tag entry, built to dist/recorder/recorder.js:
 *   <script src="https://host/recorder.js" data-project="demo"></script>
 * starts recording on load and exposes `window.Sightline` (track, identify, flush, stop, getSessionId, consent).
 * Without data-endpoint the endpoint is /api/ingest on the host that served this script. Nothing here may
 * throw into the store's page: a problem becomes one console warning.
 */
import { init, type SightlineClient } from './index.ts';
import { optionsFromScript } from './script-options.ts';

declare global {
  interface Window {
    Sightline?: SightlineClient;
  }
}

let warned = false;
function warnOnce(error: unknown): void {
  if (warned) return;
  warned = true;
  try {
    console.warn('[sightline]', error instanceof Error ? error.message : error);
  } catch {
    // A console that throws: nothing more to do.
  }
}

function start(): void {
  // The tag included twice (theme and tag manager, say): the second copy must not start a second rrweb.
  if (window.Sightline) return;
  // currentScript is only set while this script runs synchronously; the fallback covers odd loaders.
  const script = (document.currentScript || document.querySelector('script[data-project][src*="recorder"]')) as HTMLScriptElement | null;
  if (!script) throw new Error('Sightline: cannot find its own <script> tag');
  window.Sightline = init({ ...optionsFromScript(script), onError: warnOnce });
}

try {
  start();
} catch (error) {
  warnOnce(error);
}
