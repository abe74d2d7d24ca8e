/**
 * Wire protocol between the recorder and the server: one ingest batch, and the Sightline custom events the
 * recorder adds to rrweb's stream. The recorder imports these with `import type` only, so nothing of the
 * server ends up in the browser bundle.
 */

/** rrweb's EventType values that matter to Sightline (see @rrweb/types). */
export const RrwebEventType = {
  DomContentLoaded: 0,
  Load: 1,
  FullSnapshot: 2,
  IncrementalSnapshot: 3,
  Meta: 4,
  Custom: 5,
  Plugin: 6,
} as const;

/** rrweb's IncrementalSource values that matter to Sightline. */
export const RrwebIncrementalSource = {
  Mutation: 0,
  MouseMove: 1,
  MouseInteraction: 2,
  Scroll: 3,
  ViewportResize: 4,
  Input: 5,
  TouchMove: 6,
} as const;

/** One rrweb event as it travels: the server keeps every field it does not understand untouched. */
export interface RecordedEvent {
  type: number;
  data: unknown;
  timestamp: number;
  [extra: string]: unknown;
}

/** The body of `POST /api/ingest`, sent as JSON, gzipped when the browser has CompressionStream. */
export interface IngestBatch {
  /** Protocol version; bump when the shape changes. */
  v: 1;
  /** The project's public ingest key (`data-project` on the script tag). */
  project: string;
  /** Shared by the tabs of one visitor until the idle timeout ends the session. */
  sessionId: string;
  /** One per browser tab; survives reloads of that tab. */
  windowId: string;
  /** 0, 1, 2, … per (sessionId, windowId); a re-sent batch keeps its number, so the server stores it once. */
  seq: number;
  /** Client clock when the batch was cut (ms since epoch). */
  sentAt: number;
  events: RecordedEvent[];
}

/** The server's answer to an accepted batch. */
export interface IngestAck {
  ok: true;
  sessionId: string;
  windowId: string;
  seq: number;
  /** True when this (session, window, seq) was already stored and the body was dropped. */
  duplicate: boolean;
}

/**
 * Sightline's enrichment travels as rrweb custom events (`{ type: 5, data: { tag, payload } }`) so that
 * players and exports that know only rrweb still work.
 */
export const SlTag = {
  Click: 'sl:click',
  Page: 'sl:page',
  Field: 'sl:field',
  Submit: 'sl:submit',
  Error: 'sl:error',
  Track: 'sl:track',
  Identify: 'sl:identify',
  Console: 'sl:console',
  Network: 'sl:network',
} as const;
export type SlTagName = (typeof SlTag)[keyof typeof SlTag];

export interface ClickPayload {
  /** Stable CSS selector of the clicked element (ids, data-* test ids, then tag:nth-of-type path). */
  selector: string;
  /** Lower-case tag name of the target. */
  tag: string;
  /**
   * The element as a person reads it: `"Add to cart" button`, `"Email" email field`, or its kind alone ("link"). Read
   * from what is not masked and scrubbed of PII in the browser. Absent in recordings made before labels existed.
   */
  label?: string;
  /** Click position inside the target's box as fractions 0..1 (left→right, top→bottom). */
  ox: number;
  oy: number;
  /** Page coordinates (document, not viewport) in CSS px. */
  x: number;
  y: number;
  /** Viewport width/height and document width/height at the time of the click. */
  vw: number;
  vh: number;
  dw: number;
  dh: number;
}

export interface PagePayload {
  url: string;
  title: string;
  referrer: string;
}

export interface FieldPayload {
  action: 'focus' | 'blur' | 'change';
  /** Selector of the enclosing form, or '' when the field stands outside a form. */
  form: string;
  /** Selector of the field itself. */
  field: string;
  /** The field's name attribute, else its label text, else its id; never its value. */
  name: string;
  /** Input type (text, email, password, …) or tag name for select/textarea. */
  kind: string;
  /** The field as a person reads it (`"Email" email field`), as ClickPayload's label; absent in older recordings. */
  label?: string;
}

export interface SubmitPayload {
  form: string;
}

/** One line of a stack trace: the function ('' when anonymous) and where it stood. */
export interface StackFrame {
  fn: string;
  /** The script's URL without query or fragment. */
  file: string;
  line: number;
  column: number;
}

export interface ErrorPayload {
  message: string;
  source: string;
  line: number;
  column: number;
  /** The error's stack, innermost frame first; absent from recorders before stack capture, and for a rejection with no Error. */
  frames?: StackFrame[];
}

export const CONSOLE_LEVELS = ['error', 'warn', 'info', 'log', 'debug'] as const;
export type ConsoleLevel = (typeof CONSOLE_LEVELS)[number];

/** A console call the page made, as text (masked like page text), with a stack for errors. */
export interface ConsolePayload {
  level: ConsoleLevel;
  /** The arguments as one line, as a console prints them, bounded in depth and length. */
  message: string;
  /** An Error argument's stack, else for `error` the caller's; innermost first, [] when none. */
  frames: StackFrame[];
  /** Calls left out just before this one by the rate limit. */
  dropped?: number;
}

/** Why a request got no answer. */
export type NetworkFailure = 'error' | 'abort' | 'timeout';

/** A fetch or XMLHttpRequest the page made (only with `captureNetwork`); the event's time is when it ended. */
export interface NetworkPayload {
  kind: 'fetch' | 'xhr';
  method: string;
  /** Absolute URL without fragment, and without query unless the site allowed it for this URL. */
  url: string;
  /** HTTP status; 0 when no answer arrived (then `failure` says why). */
  status: number;
  failure?: NetworkFailure;
  /** From the call to the end of the answer (or the failure), ms. */
  durationMs: number;
  /** Body sizes in bytes; null when the browser does not tell (a stream, a form, no Content-Length). */
  requestBytes: number | null;
  responseBytes: number | null;
  /** Only for URLs the site allow-listed, never credentials, masked like page text. */
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  requestBody?: string;
  responseBody?: string;
  /** Requests left out just before this one by the rate limit. */
  dropped?: number;
}

export interface TrackPayload {
  name: string;
  props: Record<string, unknown>;
}

export interface IdentifyPayload {
  userId: string;
  traits: Record<string, unknown>;
}

export interface SlPayloads {
  'sl:click': ClickPayload;
  'sl:page': PagePayload;
  'sl:field': FieldPayload;
  'sl:submit': SubmitPayload;
  'sl:error': ErrorPayload;
  'sl:track': TrackPayload;
  'sl:identify': IdentifyPayload;
  'sl:console': ConsolePayload;
  'sl:network': NetworkPayload;
}
