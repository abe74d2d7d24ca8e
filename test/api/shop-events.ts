/**
 * Hand-built Sightline recordings for the insight API tests: a visitor's events as the recorder sends them, each
 * at `start + at` ms, so a test reads as a script ("a click on #buy at 1200 ms").
 */
import type { ClickPayload, ConsolePayload, FieldPayload, NetworkPayload, RecordedEvent } from '../../contract/protocol.ts';

export const SHOP = 'https://shop.test';

export interface Visit {
  /** The visitor's clock origin, ms since epoch. */
  start: number;
  width: number;
  height: number;
}

export function visit(start: number, width = 1280, height = 800) {
  const v: Visit = { start, width, height };
  const ts = (at: number) => v.start + at;
  const custom = (at: number, tag: string, payload: unknown): RecordedEvent => ({ type: 5, data: { tag, payload }, timestamp: ts(at) });
  const incremental = (at: number, data: Record<string, unknown>): RecordedEvent => ({ type: 3, data, timestamp: ts(at) });

  return {
    ts,
    /** Meta, a full snapshot with a body holding a #buy button, and sl:page: what a page load records. */
    load(at: number, path: string): RecordedEvent[] {
      const url = `${SHOP}${path}`;
      const button = { type: 2, id: 10, tagName: 'button', attributes: { id: 'buy' }, childNodes: [] };
      const body = { type: 2, id: 3, tagName: 'body', attributes: {}, childNodes: [button] };
      const html = { type: 2, id: 2, tagName: 'html', attributes: {}, childNodes: [body] };
      return [
        { type: 4, data: { href: url, width: v.width, height: v.height }, timestamp: ts(at) },
        {
          type: 2,
          data: { node: { type: 0, id: 1, childNodes: [html] }, initialOffset: { left: 0, top: 0 } },
          timestamp: ts(at + 1),
        },
        custom(at + 2, 'sl:page', { url, title: path, referrer: '' }),
      ];
    },
    click(at: number, selector: string, fields: Partial<ClickPayload> = {}): RecordedEvent {
      const payload: ClickPayload = {
        selector,
        tag: 'button',
        ox: 0.5,
        oy: 0.5,
        x: 100,
        y: 200,
        vw: v.width,
        vh: v.height,
        dw: v.width,
        dh: 3000,
        ...fields,
      };
      return custom(at, 'sl:click', payload);
    },
    mutation(at: number): RecordedEvent {
      return incremental(at, { source: 0, texts: [{ id: 10, value: 'ok' }], attributes: [], removes: [], adds: [] });
    },
    scroll(at: number, y: number): RecordedEvent {
      return incremental(at, { source: 3, id: 1, x: 0, y });
    },
    move(at: number, x: number, y: number): RecordedEvent {
      return incremental(at, { source: 1, positions: [{ x, y, id: 10, timeOffset: 0 }] });
    },
    field(at: number, action: FieldPayload['action'], field: string, form = '#checkout-form', more: Partial<FieldPayload> = {}): RecordedEvent {
      return custom(at, 'sl:field', { action, form, field, name: field.replace('#', ''), kind: 'text', ...more });
    },
    submit(at: number, form = '#checkout-form'): RecordedEvent {
      return custom(at, 'sl:submit', { form });
    },
    error(at: number, message: string): RecordedEvent {
      return custom(at, 'sl:error', { message, source: `${SHOP}/app.js`, line: 1, column: 1 });
    },
    track(at: number, name: string, props: Record<string, unknown> = {}): RecordedEvent {
      return custom(at, 'sl:track', { name, props });
    },
    console(at: number, level: ConsolePayload['level'], message: string): RecordedEvent {
      const frames = level === 'error' ? [{ fn: 'checkout', file: `${SHOP}/app.js`, line: 12, column: 5 }] : [];
      return custom(at, 'sl:console', { level, message, frames });
    },
    /** A fetch that ended `at`; a status of 0 stands for a network error. */
    request(at: number, method: string, path: string, status: number, durationMs = 120): RecordedEvent {
      const payload: NetworkPayload = {
        kind: 'fetch', method, url: `${SHOP}${path}`, status, durationMs, requestBytes: 0, responseBytes: status === 0 ? null : 42,
        ...(status === 0 ? { failure: 'error' as const } : {}),
      };
      return custom(at, 'sl:network', payload);
    },
  };
}
