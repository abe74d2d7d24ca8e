import type { ConsoleLevel } from '../contract/protocol.ts';
import type { SightlineOptions } from './options.ts';

/** Options a script tag may set, each by `data-` and its name in kebab case: `data-flush-interval-ms`. */
const NUMBER_OPTIONS = ['flushIntervalMs', 'sampleRate', 'idleTimeoutMs'] as const;
/** Present means true, except the value "false". */
const BOOLEAN_OPTIONS = [
  'maskAllInputs', 'maskAllText', 'maskTextPII', 'blockAllMedia', 'requireConsent', 'honorPrivacySignals', 'captureNetwork', 'debug',
] as const;

/** maskTextPII → data-mask-text-pii. */
const attributeOf = (option: string): string => `data-${option.replace(/[A-Z]+/g, (upper) => `-${upper.toLowerCase()}`)}`;

/**
 * The options a script tag's data-* attributes give. Without data-endpoint the endpoint is /api/ingest on the host
 * that served the script.
 */
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
  // data-console="false" turns console capture off; a list ("error,warn,log") names the levels recorded.
  const levels = script.getAttribute('data-console');
  if (levels !== null) options.console = levels === 'false' ? false : { levels: levels.split(/[\s,]+/).filter(Boolean) as ConsoleLevel[] };
  return options;
}
