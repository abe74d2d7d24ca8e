import { describe, expect, test } from 'vitest';
import { buildPage, LAST_ELEMENT_ID } from '../../../bench/synthetic-page.ts';
import { cutIntoBatches, syntheticSession } from '../../../bench/synthetic-session.ts';
import { RrwebEventType, RrwebIncrementalSource, type RecordedEvent } from '../../../contract/protocol.ts';

type Node = { id: number; childNodes?: Node[]; attributes?: Record<string, string> };
const idsOf = (node: Node): number[] => [node.id, ...(node.childNodes ?? []).flatMap(idsOf)];
const minutes = (n: number) => n * 60_000;

describe('bench | synthetic page', () => {
  test('numbers every node once, as rrweb does, and ends <body> with the footer the replay figure waits for', () => {
    const page = buildPage('product', 24);
    const ids = idsOf(page.node as Node);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...ids)).toBe(page.nextId - 1);
    const html = (page.node as Node).childNodes![1]!;
    const body = html.childNodes![1]!;
    expect(body.id).toBe(page.ids.body);
    expect(body.childNodes!.at(-1)!.attributes!.id).toBe(LAST_ELEMENT_ID);
    for (const clickable of page.clickables) expect(ids).toContain(clickable.id);
  });
});

describe('bench | synthetic session', () => {
  const events = syntheticSession({ durationMs: minutes(10) });

  test('is the same for the same seed and differs for another', () => {
    expect(syntheticSession({ durationMs: minutes(10) })).toEqual(events);
    expect(syntheticSession({ durationMs: minutes(10), seed: 2 })).not.toEqual(events);
  });

  test('spans the asked duration in time order, starting with a page view', () => {
    const times = events.map((event) => event.timestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(minutes(10) - 1_000);
    expect(times.at(-1)! - times[0]!).toBeLessThanOrEqual(minutes(10));
    expect(events.slice(0, 2).map((event) => event.type)).toEqual([RrwebEventType.Meta, RrwebEventType.FullSnapshot]);
  });

  test('holds a shopper\'s mix at a shopper\'s rates', () => {
    const perMinute = (match: (event: RecordedEvent) => boolean) => events.filter(match).length / 10;
    const source = (event: RecordedEvent) => (event.data as { source?: number }).source;
    const tag = (event: RecordedEvent) => (event.data as { tag?: string }).tag;
    expect(perMinute((event) => event.type === RrwebEventType.FullSnapshot)).toBeGreaterThanOrEqual(0.3);
    expect(perMinute((event) => tag(event) === 'sl:click')).toBeGreaterThan(3);
    expect(perMinute((event) => tag(event) === 'sl:click')).toBeLessThan(15);
    for (const kind of [RrwebIncrementalSource.MouseMove, RrwebIncrementalSource.Scroll, RrwebIncrementalSource.Mutation]) {
      expect(perMinute((event) => event.type === RrwebEventType.IncrementalSnapshot && source(event) === kind)).toBeGreaterThan(10);
    }
  });

  test('only mutates nodes that exist on the page shown at that moment', () => {
    let known = new Set<number>();
    for (const event of events) {
      if (event.type === RrwebEventType.FullSnapshot) known = new Set(idsOf((event.data as { node: Node }).node));
      if (event.type !== RrwebEventType.IncrementalSnapshot || (event.data as { source: number }).source !== RrwebIncrementalSource.Mutation) continue;
      const data = event.data as {
        adds: Array<{ parentId: number; node: Node }>;
        removes: Array<{ id: number }>;
        texts: Array<{ id: number }>;
        attributes: Array<{ id: number }>;
      };
      for (const { parentId, node } of data.adds) {
        expect(known.has(parentId)).toBe(true);
        for (const id of idsOf(node)) known.add(id);
      }
      for (const { id } of [...data.texts, ...data.attributes, ...data.removes]) expect(known.has(id)).toBe(true);
      for (const { id } of data.removes) known.delete(id);
    }
  });
});

describe('bench | batches as the recorder cuts them', () => {
  const event = (timestamp: number, type: number = RrwebEventType.IncrementalSnapshot, size = 10): RecordedEvent =>
    ({ type, timestamp, data: { source: 1, pad: 'x'.repeat(size) } });
  const policy = { flushIntervalMs: 5_000, maxBatchEvents: 3, maxBatchBytes: 1_000 };
  const shape = (batches: RecordedEvent[][]) => batches.map((batch) => batch.map((item) => item.timestamp));

  test('cuts when the oldest event is too old, at the event limit and at each new page', () => {
    const events = [event(0), event(4_999), event(5_000), event(5_001), event(5_002), event(5_003), event(5_004, RrwebEventType.Meta)];
    expect(shape(cutIntoBatches(events, policy))).toEqual([[0, 4_999], [5_000, 5_001, 5_002], [5_003], [5_004]]);
  });

  test('cuts before the byte limit, and a larger event travels alone', () => {
    const events = [event(0, undefined, 400), event(1, undefined, 400), event(2, undefined, 2_000), event(3)];
    expect(shape(cutIntoBatches(events, policy))).toEqual([[0, 1], [2], [3]]);
  });

  test('keeps every event once, in order', () => {
    const events = syntheticSession({ durationMs: minutes(3) });
    expect(cutIntoBatches(events).flat()).toEqual(events);
  });
});
