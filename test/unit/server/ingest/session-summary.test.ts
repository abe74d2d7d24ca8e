import { describe, expect, test } from 'vitest';
import { deviceClass, summarizeEvents } from '../../../../server/ingest/session-summary.ts';
import type { RecordedEvent } from '../../../../contract/protocol.ts';

const GAP = 5000;
const options = { activityGapMs: GAP };
const fresh = { lastInputTs: null };

const incremental = (timestamp: number, source: number, extra: Record<string, unknown> = {}): RecordedEvent => ({
  type: 3,
  data: { source, ...extra },
  timestamp,
});
const meta = (timestamp: number, href: string, width = 1280, height = 720): RecordedEvent => ({
  type: 4,
  data: { href, width, height },
  timestamp,
});
const custom = (timestamp: number, tag: string, payload: unknown): RecordedEvent => ({ type: 5, data: { tag, payload }, timestamp });

describe('ingest | session summary', () => {
  test('spans the smallest to the largest timestamp, whatever their order', () => {
    const delta = summarizeEvents([meta(500, 'https://a/'), incremental(100, 0), incremental(900, 0), incremental(300, 0)], fresh, options);
    expect({ firstTs: delta.firstTs, lastTs: delta.lastTs, eventCount: delta.eventCount }).toEqual({
      firstTs: 100,
      lastTs: 900,
      eventCount: 4,
    });
  });

  test('counts gaps up to the activity threshold between user inputs as active time', () => {
    const events = [
      incremental(0, 1), // mouse move
      incremental(1000, 2, { type: 2 }), // click: +1000
      incremental(1000 + GAP, 3), // scroll exactly at the threshold: +5000
      incremental(2000 + 2 * GAP, 5), // input after an idle stretch: +0
      incremental(2500 + 2 * GAP, 6), // touch move: +500
      incremental(3000 + 2 * GAP, 0), // mutation: not user input
      incremental(3000 + 2 * GAP, 4, { width: 1, height: 1 }), // viewport resize: not user input
    ];
    const delta = summarizeEvents(events, fresh, options);
    expect(delta.activeMs).toBe(1000 + GAP + 500);
    expect(delta.lastInputTs).toBe(2500 + 2 * GAP);
  });

  test('continues active time from the last input of the previous chunk', () => {
    expect(summarizeEvents([incremental(10_000, 1), incremental(10_500, 1)], { lastInputTs: 8000 }, options).activeMs).toBe(2500);
    expect(summarizeEvents([incremental(20_000, 1)], { lastInputTs: 8000 }, options).activeMs).toBe(0);
  });

  test('keeps the carried last input when a chunk has none', () => {
    const delta = summarizeEvents([incremental(10_000, 0)], { lastInputTs: 8000 }, options);
    expect(delta.lastInputTs).toBe(8000);
    expect(delta.activeMs).toBe(0);
  });

  test('does not count time twice when input timestamps go backwards', () => {
    const delta = summarizeEvents([incremental(1000, 1), incremental(3000, 1), incremental(2000, 1), incremental(4000, 1)], fresh, options);
    expect(delta.activeMs).toBe(3000);
    expect(delta.lastInputTs).toBe(4000);
  });

  test('counts clicks: mouse interactions of type 2 only', () => {
    const events = [0, 1, 2, 2, 3, 4, 9].map((type, index) => incremental(index, 2, { type, id: 1, x: 0, y: 0 }));
    expect(summarizeEvents(events, fresh, options).clickCount).toBe(2);
  });

  test('takes the entry URL from the first sl:page, else from the first Meta', () => {
    const withPage = [meta(1, 'https://shop/?utm_source=ad'), custom(2, 'sl:page', { url: 'https://shop/', title: '', referrer: '' })];
    expect(summarizeEvents(withPage, fresh, options).entry).toEqual({ url: 'https://shop/', ts: 2 });
    const metaOnly = [meta(1, 'https://shop/a'), meta(5, 'https://shop/b')];
    expect(summarizeEvents(metaOnly, fresh, options).entry).toEqual({ url: 'https://shop/a', ts: 1 });
    expect(summarizeEvents([incremental(1, 0)], fresh, options).entry).toBeNull();
  });

  test('lists distinct pages from sl:page and Meta in the order first seen', () => {
    const events = [
      meta(1, 'https://shop/'),
      custom(2, 'sl:page', { url: 'https://shop/', title: 'Home', referrer: '' }),
      custom(3, 'sl:page', { url: 'https://shop/p/1', title: 'Mug', referrer: '' }),
      meta(4, 'https://shop/'),
      meta(5, 'https://shop/cart'),
    ];
    expect(summarizeEvents(events, fresh, options).pages).toEqual([
      { url: 'https://shop/', firstTs: 1 },
      { url: 'https://shop/p/1', firstTs: 3 },
      { url: 'https://shop/cart', firstTs: 5 },
    ]);
  });

  test('takes the viewport from Meta, then from later viewport resizes, with its device class', () => {
    expect(summarizeEvents([meta(1, 'https://shop/', 390, 844)], fresh, options).viewport).toEqual({
      width: 390,
      height: 844,
      device: 'mobile',
    });
    const resized = [meta(1, 'https://shop/', 390, 844), incremental(2, 4, { width: 1366, height: 768 })];
    expect(summarizeEvents(resized, fresh, options).viewport).toEqual({ width: 1366, height: 768, device: 'desktop' });
    expect(summarizeEvents([incremental(1, 1)], fresh, options).viewport).toBeNull();
  });

  test.each([
    [320, 'mobile'],
    [767, 'mobile'],
    [768, 'tablet'],
    [1023, 'tablet'],
    [1024, 'desktop'],
    [2560, 'desktop'],
  ] as const)('classes a %i px wide viewport as %s', (width, device) => {
    expect(deviceClass(width)).toBe(device);
  });

  test('keeps the Sightline events for the timeline, counts errors and takes the last identified user', () => {
    const events = [
      custom(1, 'sl:identify', { userId: 'first', traits: {} }),
      custom(2, 'sl:track', { name: 'add_to_cart', props: { sku: 'A' } }),
      custom(3, 'sl:error', { message: 'boom', source: 'a.js', line: 1, column: 1 }),
      custom(4, 'sl:error', { message: 'again', source: 'a.js', line: 2, column: 1 }),
      custom(5, 'sl:identify', { userId: 'second', traits: {} }),
      custom(6, 'sl:click', { selector: '#buy' }), // enrichment, not a timeline mark
      custom(7, 'some-other-plugin', { name: 'x' }),
    ];
    const delta = summarizeEvents(events, fresh, options);
    expect(delta.errorCount).toBe(2);
    expect(delta.userId).toBe('second');
    expect(delta.customEvents.map(({ ts, tag, name }) => ({ ts, tag, name }))).toEqual([
      { ts: 1, tag: 'sl:identify', name: 'first' },
      { ts: 2, tag: 'sl:track', name: 'add_to_cart' },
      { ts: 3, tag: 'sl:error', name: 'boom' },
      { ts: 4, tag: 'sl:error', name: 'again' },
      { ts: 5, tag: 'sl:identify', name: 'second' },
    ]);
    expect(delta.customEvents[1]!.props).toEqual({ name: 'add_to_cart', props: { sku: 'A' } });
  });

  test('ignores events whose data has an unexpected shape instead of failing', () => {
    const odd: RecordedEvent[] = [
      { type: 4, data: null, timestamp: 1 },
      { type: 3, data: 'text', timestamp: 2 },
      { type: 5, data: { tag: 'sl:page', payload: { url: 42 } }, timestamp: 3 },
      { type: 4, data: { href: 'https://shop/', width: 'wide', height: -1 }, timestamp: 4 },
    ];
    const delta = summarizeEvents(odd, fresh, options);
    expect(delta.pages).toEqual([{ url: 'https://shop/', firstTs: 4 }]);
    expect(delta.viewport).toBeNull();
    expect(delta.eventCount).toBe(4);
  });
});

describe('ingest | session summary of developer events', () => {
  const request = (timestamp: number, status: number, failure?: string) =>
    custom(timestamp, 'sl:network', { kind: 'xhr', method: 'PUT', url: 'https://a/cart', status, durationMs: 5, requestBytes: 2, responseBytes: null, ...(failure ? { failure } : {}) });

  test('counts console errors and failed requests, and keeps them (only them) as custom events', () => {
    const delta = summarizeEvents([
      custom(1, 'sl:console', { level: 'error', message: 'boom', frames: [] }),
      custom(2, 'sl:console', { level: 'warn', message: 'slow', frames: [] }),
      custom(3, 'sl:console', { level: 'nonsense', message: 'x', frames: [] }),
      request(4, 500),
      request(5, 499),
      request(6, 0, 'timeout'),
      request(7, 0), // an opaque no-cors answer: it arrived
    ], fresh, options);
    expect({ consoleErrorCount: delta.consoleErrorCount, failedRequestCount: delta.failedRequestCount }).toEqual({ consoleErrorCount: 1, failedRequestCount: 2 });
    expect(delta.customEvents.map(({ ts, tag, name }) => [ts, tag, name])).toEqual([
      [1, 'sl:console', 'boom'],
      [4, 'sl:network', 'PUT https://a/cart 500'],
      [6, 'sl:network', 'PUT https://a/cart timed out'],
    ]);
  });
});
