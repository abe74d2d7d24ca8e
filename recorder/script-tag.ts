/**
 * The script-tag entry, built to dist/recorder/recorder.js:
 *   <script src="https://host/recorder.js" data-project="demo"></script>
 * starts recording on load and exposes `window.Sightline` (track, identify, flush, stop, getSessionId, consent).
 * Without data-endpoint the endpoint is /api/ingest on the host that served this script. Nothing here may
 * throw into the store's page: a problem becomes one console warning.
 */
import { init, type SightlineClient, type SightlineOptions } from './index.ts';

declare global {
  interface Window {
    Sightline?: SightlineClient;
  }
}

/** Options a script tag may set, each by `data-` and its name in kebab case: `data-flush-interval-ms`. */
const NUMBER_OPTIONS = ['flushIntervalMs', 'sampleRate', 'idleTimeoutMs'] as const;
/** Present means true, except the value "false". */
const BOOLEAN_OPTIONS = ['maskAllInputs', 'maskAllText', 'maskTextPII', 'blockAllMedia', 'requireConsent', 'honorPrivacySignals'] as const;

/** maskTextPII → data-mask-text-pii. */
const attributeOf = (option: string): string => `data-${option.replace(/[A-Z]+/g, (upper) => `-${upper.toLowerCase()}`)}`;

export function optionsFromScript(script: HTMLScriptElement): SightlineOptions {
  const endpoint = script.getAttribute('data-endpoint') || new URL('/api/ingest', script.src).href;
  const project = script.getAttribute('data-project');
  if (!project) throw new Error('Sightline: the script tag needs data-project="<your project key>"');
  const options: SightlineOptions = { endpoint, project };
  for (const option of NUMBER_OPTIONS) {
    const value = script.getAttribute(attributeOf(option));
    // A non-number becomes NaN, which init() rejects with the option's name in the message.
    if (value !== null) options[option] = Number(value);
  }
  // data-mask-all-inputs="false" is the one way to unmask ordinary fields; sensitive ones stay masked.
  for (const option of BOOLEAN_OPTIONS) {
    const value = script.getAttribute(attributeOf(option));
    if (value !== null) options[option] = value !== 'false';
  }
  return options;
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
