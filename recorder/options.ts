import type { RecordedEvent } from '../contract/protocol.ts';
import {
  DEFAULT_CONSOLE_OPTIONS,
  resolveConsole,
  resolveNetwork,
  type ConsoleOptions,
  type NetworkOptions,
  type ResolvedConsoleOptions,
  type ResolvedNetworkOptions,
} from './capture-options.ts';
import type { SightlineError } from './errors.ts';
import type { RecorderStatus } from './status.ts';

/** What `init()` accepts. Only `endpoint` and `project` are required. */
export interface SightlineOptions {
  /** Full URL of the ingest endpoint, e.g. `https://sightline.example/api/ingest`. Required, no default. */
  endpoint: string;
  /** The project's public ingest key (`data-project` on the script tag). Required, no default. */
  project: string;
  /** Longest time an event waits in the buffer before its batch is sent, in ms. Defaults to 5000. */
  flushIntervalMs?: number;
  /** A batch is cut once it holds this many events. Defaults to 500. */
  maxBatchEvents?: number;
  /** A batch is cut before its uncompressed JSON passes this many bytes (a larger single event travels alone). Defaults to 524288 (512 KiB). */
  maxBatchBytes?: number;
  /** Share of sessions recorded, 0..1, decided once per session and shared by the visitor's tabs. Defaults to 1. */
  sampleRate?: number;
  /** Mask the value of every input, select and textarea; when false only sensitive fields stay masked. Defaults to true. */
  maskAllInputs?: boolean;
  /** CSS selector of elements whose text and input values are masked. Defaults to '[data-sl-mask]'. */
  maskTextSelector?: string;
  /** Mask every text node on the page (Sentry-style strict mode; the replay shows layout, not words). Defaults to false. */
  maskAllText?: boolean;
  /** Mask emails, Luhn-valid card numbers and phone numbers wherever they appear in page text and readable attributes. Defaults to true. */
  maskTextPII?: boolean;
  /** Block img, video, audio, picture, svg image and canvas elements (added to blockSelector). Defaults to false. */
  blockAllMedia?: boolean;
  /** CSS selector of elements not recorded at all (replay shows a same-size placeholder). Defaults to '[data-sl-block]'. */
  blockSelector?: string;
  /** A session ends after this long without user activity, in ms. Defaults to 1800000 (30 minutes). */
  idleTimeoutMs?: number;
  /** Record the pixels of <canvas> elements (costly in CPU and bytes). Defaults to false. */
  recordCanvas?: boolean;
  /** Gzip batches with CompressionStream when the browser has it. Defaults to true. */
  gzip?: boolean;
  /** Unsent batches kept for retry, in uncompressed bytes; beyond it the oldest is dropped. Defaults to 4194304 (4 MiB). */
  maxQueueBytes?: number;
  /** Record, send and store nothing (not even in localStorage) until `consent('granted')`. Defaults to false. */
  requireConsent?: boolean;
  /** Record nothing when the browser sends Global Privacy Control or Do Not Track; consent cannot override it. Defaults to true. */
  honorPrivacySignals?: boolean;
  /** Receives the recorder's own errors (failed sends, rejected batches, internal faults). Defaults to none: silent. */
  onError?: (error: SightlineError) => void;
  /** Record the page's console calls (true: errors and warnings), or say which and how much (ConsoleOptions). Defaults to true. */
  console?: boolean | ConsoleOptions;
  /** Record the page's fetch and XMLHttpRequest calls: method, URL without query, status, timing, sizes. Defaults to false. */
  captureNetwork?: boolean | NetworkOptions;
  /**
   * Sees every event (rrweb's and Sightline's, already masked) before it is buffered; return it, changed or not, to
   * keep it, or null to drop it. A hook that throws or returns something else drops that event (it is usually a
   * filter, so failing closed keeps out what it meant to remove) and reports `before_send_failed`. Defaults to none.
   */
  beforeSend?: (event: RecordedEvent) => RecordedEvent | null;
  /** Told whether the recorder records, and why not (consent pending, a privacy signal, not sampled), on every change. Defaults to none. */
  onStatus?: (status: RecorderStatus) => void;
  /** Print one console line for every status change (`[sightline] not recording: …`). Defaults to false. */
  debug?: boolean;
}

type Hooks = 'onError' | 'beforeSend' | 'onStatus';
export type ResolvedOptions = Required<Omit<SightlineOptions, Hooks | 'console' | 'captureNetwork'>> &
  Pick<SightlineOptions, Hooks> & { console: ResolvedConsoleOptions | false; captureNetwork: ResolvedNetworkOptions | false };

export const DEFAULT_OPTIONS = {
  flushIntervalMs: 5_000,
  maxBatchEvents: 500,
  maxBatchBytes: 512 * 1024,
  sampleRate: 1,
  maskAllInputs: true,
  maskTextSelector: '[data-sl-mask]',
  maskAllText: false,
  maskTextPII: true,
  blockAllMedia: false,
  blockSelector: '[data-sl-block]',
  idleTimeoutMs: 30 * 60_000,
  recordCanvas: false,
  gzip: true,
  maxQueueBytes: 4 * 1024 * 1024,
  requireConsent: false,
  honorPrivacySignals: true,
  console: DEFAULT_CONSOLE_OPTIONS,
  captureNetwork: false,
  debug: false,
} satisfies Omit<ResolvedOptions, 'endpoint' | 'project' | Hooks>;

/** Checks a value, and returns its resolved form when that differs from the value given. */
type Check = (value: unknown, name: string) => unknown;

function fail(name: string, expected: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new Error(`Sightline init: option "${name}" must be ${expected} (got ${shown})`);
}
const hook: Check = (value, name) => {
  if (typeof value !== 'function') fail(name, 'a function', value);
};

const positiveInteger: Check = (value, name) => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(name, 'a positive integer', value);
};
const boolean: Check = (value, name) => {
  if (typeof value !== 'boolean') fail(name, 'true or false', value);
};
const selector: Check = (value, name) => {
  if (typeof value !== 'string' || value.trim() === '') fail(name, 'a non-empty CSS selector', value);
  // Only a browser can tell a bad selector; finding out here beats a SyntaxError deep inside rrweb.
  if (typeof document !== 'undefined') {
    try {
      document.createDocumentFragment().querySelector(value);
    } catch {
      fail(name, 'a valid CSS selector', value);
    }
  }
};

const checks: Record<keyof SightlineOptions, Check> = {
  endpoint: (value, name) => {
    let protocol = '';
    try {
      protocol = new URL(value as string).protocol;
    } catch {
      // Relative or malformed: reported just below, like any other wrong value.
    }
    if (typeof value !== 'string' || !/^https?:$/.test(protocol)) {
      fail(name, 'an absolute http(s) URL such as https://sightline.example/api/ingest', value);
    }
  },
  project: (value, name) => {
    if (typeof value !== 'string' || value.trim() === '') fail(name, 'a non-empty string', value);
  },
  flushIntervalMs: positiveInteger,
  maxBatchEvents: positiveInteger,
  maxBatchBytes: positiveInteger,
  sampleRate: (value, name) => {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(name, 'a number from 0 to 1', value);
  },
  maskAllInputs: boolean,
  maskTextSelector: selector,
  maskAllText: boolean,
  maskTextPII: boolean,
  blockAllMedia: boolean,
  blockSelector: selector,
  idleTimeoutMs: positiveInteger,
  recordCanvas: boolean,
  gzip: boolean,
  maxQueueBytes: positiveInteger,
  requireConsent: boolean,
  honorPrivacySignals: boolean,
  onError: hook,
  console: (value) => resolveConsole(value, fail),
  captureNetwork: (value) => resolveNetwork(value, fail),
  beforeSend: hook,
  onStatus: hook,
  debug: boolean,
};

/**
 * Merges defaults into the store's options and checks every field. Misuse throws a clear Error here, at init,
 * because later the recorder must never throw into the page. Unknown keys throw too: a typo such as
 * `flushInterval` would otherwise be ignored without a word. Fields set to `undefined` take their default.
 */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new Error('Sightline init: expected an options object such as { endpoint, project }');
  }
  const given = input as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in checks)) throw new Error(`Sightline init: unknown option "${key}"`);
  }
  for (const required of ['endpoint', 'project'] as const) {
    if (given[required] === undefined) throw new Error(`Sightline init: option "${required}" is required`);
  }
  const merged: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    merged[key] = checks[key as keyof SightlineOptions](value, key) ?? value;
  }
  return merged as unknown as ResolvedOptions;
}
