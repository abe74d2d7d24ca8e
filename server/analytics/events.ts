/**
 * Typed accessors over a window's rrweb events, shared by every detector so none re-implements the parsing.
 * Events arrive from many recorder versions and browsers: anything malformed is skipped, never thrown on.
 */
import type { ConsoleLevel, NetworkPayload, SlPayloads, SlTagName, StackFrame } from '../../contract/protocol.ts';
import { CONSOLE_LEVELS, RrwebEventType, RrwebIncrementalSource, SlTag } from '../../contract/protocol.ts';
import { NodeIndex } from './rrweb-nodes.ts';

/** rrweb incremental sources that protocol.ts leaves out but that still show the page responding. */
const MoreIncrementalSource = {
  MediaInteraction: 7,
  StyleSheetRule: 8,
  CanvasMutation: 9,
  StyleDeclaration: 13,
  Selection: 14,
  AdoptedStyleSheet: 15,
} as const;

/** rrweb's MouseInteractions.Click (a full press and release, not mousedown/mouseup). */
const MOUSE_INTERACTION_CLICK = 2;

const DOM_CHANGE_SOURCES: ReadonlySet<unknown> = new Set([
  RrwebIncrementalSource.Mutation,
  MoreIncrementalSource.MediaInteraction,
  MoreIncrementalSource.StyleSheetRule,
  MoreIncrementalSource.CanvasMutation,
  MoreIncrementalSource.StyleDeclaration,
  MoreIncrementalSource.AdoptedStyleSheet,
]);

/** An event with a finite timestamp and an object as data: the only kind the detectors look at. */
export interface TimedEvent {
  type: number;
  data: Record<string, unknown>;
  timestamp: number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isTimedEvent(event: unknown): event is TimedEvent {
  return isRecord(event) && typeof event.type === 'number' && isFiniteNumber(event.timestamp) && isRecord(event.data);
}

/** An rrweb incremental snapshot from this source. */
export function isIncremental(event: TimedEvent, source: number): boolean {
  return event.type === RrwebEventType.IncrementalSnapshot && event.data.source === source;
}

// Arrays this module sorted itself, so the many accessors a detector calls do not filter and sort them again.
const timelines = new WeakSet<readonly TimedEvent[]>();

/** The usable events in time order; events sharing a timestamp keep their recorded order (the sort is stable). */
export function timeline(events: readonly unknown[]): readonly TimedEvent[] {
  if (timelines.has(events as readonly TimedEvent[])) return events as readonly TimedEvent[];
  const sorted = events.filter(isTimedEvent).sort((a, b) => a.timestamp - b.timestamp);
  timelines.add(sorted);
  return sorted;
}

/** The last timestamp in the events, or -Infinity when there is none. */
export function lastTimestamp(events: readonly unknown[]): number {
  const sorted = timeline(events);
  return sorted.length > 0 ? sorted[sorted.length - 1].timestamp : -Infinity;
}

// ---- Sightline custom events -------------------------------------------------------------------------------

export interface SlEvent<T extends SlTagName> {
  ts: number;
  payload: SlPayloads[T];
}

type PayloadParser<T> = (raw: Record<string, unknown>) => T | null;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const numberOr0 = (value: unknown): number => (isFiniteNumber(value) ? value : 0);
const FIELD_ACTIONS: ReadonlySet<unknown> = new Set(['focus', 'blur', 'change']);
const sizeOrNull = (value: unknown): number | null => (isFiniteNumber(value) && value >= 0 ? value : null);

function framesOf(value: unknown): StackFrame[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((frame) => ({
    fn: text(frame.fn),
    file: text(frame.file),
    line: numberOr0(frame.line),
    column: numberOr0(frame.column),
  }));
}

function networkOf(p: Record<string, unknown>): NetworkPayload | null {
  if ((p.kind !== 'fetch' && p.kind !== 'xhr') || typeof p.url !== 'string' || !isFiniteNumber(p.status)) return null;
  const payload: NetworkPayload = {
    kind: p.kind,
    method: text(p.method) || 'GET',
    url: p.url,
    status: p.status,
    durationMs: numberOr0(p.durationMs),
    requestBytes: sizeOrNull(p.requestBytes),
    responseBytes: sizeOrNull(p.responseBytes),
  };
  if (p.failure === 'error' || p.failure === 'abort' || p.failure === 'timeout') payload.failure = p.failure;
  return payload;
}

// Each parser returns a complete payload or null: required fields must be present, optional ones get neutral values.
const payloadParsers: { [K in SlTagName]: PayloadParser<SlPayloads[K]> } = {
  'sl:click': (p) =>
    typeof p.selector === 'string' && typeof p.tag === 'string' && isFiniteNumber(p.x) && isFiniteNumber(p.y)
      ? {
          selector: p.selector,
          tag: p.tag.toLowerCase(),
          label: text(p.label),
          ox: numberOr0(p.ox),
          oy: numberOr0(p.oy),
          x: p.x,
          y: p.y,
          vw: numberOr0(p.vw),
          vh: numberOr0(p.vh),
          dw: numberOr0(p.dw),
          dh: numberOr0(p.dh),
        }
      : null,
  'sl:page': (p) =>
    typeof p.url === 'string' ? { url: p.url, title: text(p.title), referrer: text(p.referrer) } : null,
  'sl:field': (p) =>
    FIELD_ACTIONS.has(p.action) && typeof p.form === 'string' && typeof p.field === 'string'
      ? {
          action: p.action as 'focus' | 'blur' | 'change',
          form: p.form,
          field: p.field,
          name: text(p.name),
          kind: text(p.kind),
          label: text(p.label),
        }
      : null,
  'sl:submit': (p) => (typeof p.form === 'string' ? { form: p.form } : null),
  'sl:error': (p) => ({
    message: text(p.message),
    source: text(p.source),
    line: numberOr0(p.line),
    column: numberOr0(p.column),
    frames: framesOf(p.frames),
  }),
  'sl:track': (p) => (typeof p.name === 'string' ? { name: p.name, props: isRecord(p.props) ? p.props : {} } : null),
  'sl:identify': (p) =>
    typeof p.userId === 'string' ? { userId: p.userId, traits: isRecord(p.traits) ? p.traits : {} } : null,
  'sl:console': (p) =>
    CONSOLE_LEVELS.includes(p.level as ConsoleLevel)
      ? { level: p.level as ConsoleLevel, message: text(p.message), frames: framesOf(p.frames) }
      : null,
  'sl:network': networkOf,
};

/**
 * A request that failed: no answer (a network error, an abort, a timeout) or a server error (status 500 and above).
 * Status 0 without a failure is an opaque answer (`mode: 'no-cors'`), which arrived.
 */
export function isFailedRequest(payload: Pick<NetworkPayload, 'status' | 'failure'>): boolean {
  return payload.failure !== undefined || payload.status >= 500;
}

/** How a request reads as one line: `POST https://shop.example/api/pay 503`, or `… network error` without an answer. */
export function requestLine(payload: Pick<NetworkPayload, 'method' | 'url' | 'status' | 'failure'>): string {
  const outcome = payload.failure === undefined ? String(payload.status)
    : payload.failure === 'error' ? 'network error' : payload.failure === 'abort' ? 'aborted' : 'timed out';
  return `${payload.method} ${payload.url} ${outcome}`;
}

/** The payload when the event is a well-formed Sightline custom event with this tag, else null. */
export function slPayload<T extends SlTagName>(event: TimedEvent, tag: T): SlPayloads[T] | null {
  if (event.type !== RrwebEventType.Custom || event.data.tag !== tag || !isRecord(event.data.payload)) return null;
  return (payloadParsers[tag] as PayloadParser<SlPayloads[T]>)(event.data.payload);
}

/** Every well-formed Sightline custom event with this tag, in time order. */
export function slEvents<T extends SlTagName>(events: readonly unknown[], tag: T): SlEvent<T>[] {
  const found: SlEvent<T>[] = [];
  for (const event of timeline(events)) {
    const payload = slPayload(event, tag);
    if (payload) found.push({ ts: event.timestamp, payload });
  }
  return found;
}

// ---- Clicks ------------------------------------------------------------------------------------------------

export interface Click {
  ts: number;
  /** CSS selector of the target: the recorder's stable one, or a readable one from rrweb's DOM (see NodeInfo). */
  selector: string;
  /** Lower-case tag name, '' when unknown. */
  tag: string;
  /** The element as a person reads it (`"Add to cart" button`), from sl:click; '' when the recording has none. */
  label: string;
  /** Page coordinates from sl:click; viewport coordinates on the rrweb fallback (rrweb records clientX/Y). */
  x: number;
  y: number;
  /** Where the click came from. */
  origin: 'sl:click' | 'rrweb';
}

/**
 * The clicks of a window, in time order. Sightline's recorder emits an sl:click beside rrweb's own click event, so
 * when any sl:click is present only those count (counting both would double every click). Plain rrweb streams
 * (imports, the corpus) fall back to rrweb MouseInteraction clicks that carry x/y; their target comes from rrweb's
 * serialized DOM as it stood at the click.
 */
export function clicksOf(events: readonly unknown[]): Click[] {
  const sorted = timeline(events);
  const slClicks = slEvents(sorted, SlTag.Click);
  if (slClicks.length > 0) {
    return slClicks.map(({ ts, payload: { selector, tag, label = '', x, y } }) => {
      return { ts, selector, tag, label, x, y, origin: 'sl:click' } satisfies Click;
    });
  }
  const nodes = new NodeIndex();
  const clicks: Click[] = [];
  for (const event of sorted) {
    nodes.observe(event.type, event.data);
    const data = event.data;
    if (!isIncremental(event, RrwebIncrementalSource.MouseInteraction) || data.type !== MOUSE_INTERACTION_CLICK) {
      continue;
    }
    if (!isFiniteNumber(data.x) || !isFiniteNumber(data.y)) continue;
    const id = isFiniteNumber(data.id) ? data.id : -1;
    const node = nodes.lookup(id);
    clicks.push({
      ts: event.timestamp,
      selector: node?.selector ?? `[rrweb-id="${id}"]`,
      tag: node?.tag ?? '',
      label: '',
      x: data.x,
      y: data.y,
      origin: 'rrweb',
    });
  }
  return clicks;
}

// ---- Responses: what shows that the page reacted -----------------------------------------------------------

/** The page visibly changed: a DOM mutation, a style sheet or style declaration change, canvas drawing, media play. */
export function isDomChange(event: TimedEvent): boolean {
  return event.type === RrwebEventType.IncrementalSnapshot && DOM_CHANGE_SOURCES.has(event.data.source);
}

/** A page was entered: Sightline's sl:page, rrweb's Meta (a new document) or a full snapshot. */
export function isNavigation(event: TimedEvent): boolean {
  return (
    event.type === RrwebEventType.Meta ||
    event.type === RrwebEventType.FullSnapshot ||
    slPayload(event, SlTag.Page) !== null
  );
}

export function isScroll(event: TimedEvent): boolean {
  return isIncremental(event, RrwebIncrementalSource.Scroll);
}

/** A form field received focus (sl:field focus). */
export function isFieldFocus(event: TimedEvent): boolean {
  return slPayload(event, SlTag.Field)?.action === 'focus';
}

/** A control's value changed (rrweb Input: typing, a checkbox or radio toggled, an option picked). */
export function isInputChange(event: TimedEvent): boolean {
  return isIncremental(event, RrwebIncrementalSource.Input);
}

/** Text got selected. An rrweb Selection without ranges only clears an earlier selection, so it does not count. */
export function isTextSelection(event: TimedEvent): boolean {
  return (
    isIncremental(event, MoreIncrementalSource.Selection) &&
    Array.isArray(event.data.ranges) &&
    event.data.ranges.length > 0
  );
}

/** Timestamps of the events matching the predicate, ascending. */
export function timesWhere(events: readonly unknown[], matches: (event: TimedEvent) => boolean): number[] {
  const times: number[] = [];
  for (const event of timeline(events)) if (matches(event)) times.push(event.timestamp);
  return times;
}

// ---- Scrolls, viewports, navigations -----------------------------------------------------------------------

export interface ScrollPosition {
  /** rrweb node id of the scrolled element; the document's own id (see documentNodeId) for the page. */
  id: number;
  x: number;
  y: number;
}

export function scrollOf(event: TimedEvent): ScrollPosition | null {
  const { id, x, y } = event.data;
  return isScroll(event) && isFiniteNumber(id) && isFiniteNumber(x) && isFiniteNumber(y) ? { id, x, y } : null;
}

/** Viewport size from rrweb's Meta or ViewportResize, or from an sl:click (which carries vw/vh). */
export function viewportOf(event: TimedEvent): { width: number; height: number } | null {
  const { width, height } = event.data;
  if (event.type === RrwebEventType.Meta || isIncremental(event, RrwebIncrementalSource.ViewportResize)) {
    return isFiniteNumber(width) && isFiniteNumber(height) && height > 0 ? { width, height } : null;
  }
  const click = slPayload(event, SlTag.Click);
  return click && click.vh > 0 ? { width: click.vw, height: click.vh } : null;
}

/** The URL a navigation event enters: sl:page's url or Meta's href; null for anything else. */
export function navigationUrlOf(event: TimedEvent): string | null {
  if (event.type === RrwebEventType.Meta) return typeof event.data.href === 'string' ? event.data.href : null;
  return slPayload(event, SlTag.Page)?.url ?? null;
}

/** A full snapshot's document node id (the id rrweb gives page scrolls) and its initial scroll, else null. */
export function fullSnapshotOf(event: TimedEvent): { documentNodeId: number; initialScrollY: number } | null {
  if (event.type !== RrwebEventType.FullSnapshot || !isRecord(event.data.node)) return null;
  const documentNodeId = event.data.node.id;
  if (!isFiniteNumber(documentNodeId)) return null;
  const offset = event.data.initialOffset;
  return { documentNodeId, initialScrollY: isRecord(offset) && isFiniteNumber(offset.top) ? offset.top : 0 };
}

