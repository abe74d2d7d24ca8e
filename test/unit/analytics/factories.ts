/**
 * Small factories for hand-built rrweb / Sightline events. Every `at` is milliseconds after T0, so tables read as
 * offsets ("a mutation at 900 ms") rather than epoch numbers.
 */
import type { ClickPayload, FieldPayload, RecordedEvent, SlTagName } from '../../../contract/protocol.ts';

export const T0 = 1_700_000_000_000;

function custom(at: number, tag: SlTagName, payload: unknown): RecordedEvent {
  return { type: 5, data: { tag, payload }, timestamp: T0 + at };
}

function incremental(at: number, data: Record<string, unknown>): RecordedEvent {
  return { type: 3, data, timestamp: T0 + at };
}

/** An sl:click on the "buy" button at page (100, 200) unless overridden. */
export function slClick(at: number, overrides: Partial<ClickPayload> = {}): RecordedEvent {
  const payload: ClickPayload = {
    selector: '#buy',
    tag: 'button',
    ox: 0.5,
    oy: 0.5,
    x: 100,
    y: 200,
    vw: 1280,
    vh: 800,
    dw: 1280,
    dh: 3000,
    ...overrides,
  };
  return custom(at, 'sl:click', payload);
}

/** rrweb's own click (MouseInteraction type 2) on node `id` at viewport (x, y). */
export function rrwebClick(at: number, id: number, x = 100, y = 200): RecordedEvent {
  return incremental(at, { source: 2, type: 2, id, x, y });
}

export function mutation(at: number): RecordedEvent {
  return incremental(at, { source: 0, texts: [{ id: 9, value: 'changed' }], attributes: [], removes: [], adds: [] });
}

/** A Scroll of node `id`; 1 is the document in a fresh recording. */
export function scroll(at: number, y: number, id = 1): RecordedEvent {
  return incremental(at, { source: 3, id, x: 0, y });
}

export function mouseMove(at: number, x = 10, y = 10): RecordedEvent {
  return incremental(at, { source: 1, positions: [{ x, y, id: 5, timeOffset: 0 }] });
}

export function inputChange(at: number, id = 12): RecordedEvent {
  return incremental(at, { source: 5, id, text: '', isChecked: true });
}

export function selection(at: number, rangeCount: number): RecordedEvent {
  const ranges = Array.from({ length: rangeCount }, () => ({ start: 7, startOffset: 0, end: 7, endOffset: 4 }));
  return incremental(at, { source: 14, ranges });
}

export function styleSheetRule(at: number): RecordedEvent {
  return incremental(at, { source: 8, id: 4, adds: [{ rule: '.open { display: block }', index: 0 }] });
}

export function viewportResize(at: number, width: number, height: number): RecordedEvent {
  return incremental(at, { source: 4, width, height });
}

export function meta(at: number, href: string, width = 1280, height = 800): RecordedEvent {
  return { type: 4, data: { href, width, height }, timestamp: T0 + at };
}

/** An element of rrweb's serialized DOM: [id, tag, attributes]. */
export type SerializedElement = [id: number, tag: string, attributes?: Record<string, string>];

/** A full snapshot whose body holds the given elements (document node id `rootId`). */
export function fullSnapshot(at: number, elements: SerializedElement[] = [], rootId = 1, initialTop = 0): RecordedEvent {
  const body = {
    type: 2,
    id: rootId + 2,
    tagName: 'body',
    attributes: {},
    childNodes: elements.map(([id, tagName, attributes = {}]) => ({ type: 2, id, tagName, attributes, childNodes: [] })),
  };
  const html = { type: 2, id: rootId + 1, tagName: 'html', attributes: {}, childNodes: [body] };
  return {
    type: 2,
    data: { node: { type: 0, id: rootId, childNodes: [html] }, initialOffset: { left: 0, top: initialTop } },
    timestamp: T0 + at,
  };
}

export function slPage(at: number, url: string): RecordedEvent {
  return custom(at, 'sl:page', { url, title: '', referrer: '' });
}

export function slField(
  at: number,
  action: FieldPayload['action'],
  field: string,
  overrides: Partial<Omit<FieldPayload, 'action' | 'field'>> = {},
): RecordedEvent {
  const name = field.replace(/^#/, '');
  const payload: FieldPayload = { action, field, form: '#checkout', name, kind: 'text', ...overrides };
  return custom(at, 'sl:field', payload);
}

export function slSubmit(at: number, form = '#checkout'): RecordedEvent {
  return custom(at, 'sl:submit', { form });
}

export function slError(at: number, message = 'TypeError: cart is undefined'): RecordedEvent {
  return custom(at, 'sl:error', { message, source: 'https://shop.test/app.js', line: 10, column: 4 });
}

export function slTrack(at: number, name: string): RecordedEvent {
  return custom(at, 'sl:track', { name, props: {} });
}
