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

/** Optional numeric data-* attributes, each mapped to the option of the same meaning. */
const NUMBER_ATTRIBUTES = {
  'data-flush-interval-ms': 'flushIntervalMs',
  'data-sample-rate': 'sampleRate',
  'data-idle-timeout-ms': 'idleTimeoutMs',
} as const;

/** Optional true/false data-* attributes: present means true, except the value "false". */
const BOOLEAN_ATTRIBUTES = {
  'data-mask-all-inputs': 'maskAllInputs',
  'data-mask-all-text': 'maskAllText',
  'data-mask-text-pii': 'maskTextPII',
  'data-block-all-media': 'blockAllMedia',
  'data-require-consent': 'requireConsent',
  'data-honor-privacy-signals': 'honorPrivacySignals',
} as const;

export function optionsFromScript(script: HTMLScriptElement): SightlineOptions {
  const endpoint = script.getAttribute('data-endpoint') || new URL('/api/ingest', script.src).href;
  const project = script.getAttribute('data-project');
  if (!project) throw new Error('Sightline: the script tag needs data-project="<your project key>"');
  const options: SightlineOptions = { endpoint, project };
  for (const [attribute, option] of Object.entries(NUMBER_ATTRIBUTES)) {
    const value = script.getAttribute(attribute);
    // A non-number becomes NaN, which init() rejects with the option's name in the message.
    if (value !== null) options[option] = Number(value);
  }
  // data-mask-all-inputs="false" is the one way to unmask ordinary fields; sensitive ones stay masked.
  for (const [attribute, option] of Object.entries(BOOLEAN_ATTRIBUTES)) {
    const value = script.getAttribute(attribute);
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
