import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createBatcher, type BatchCut, type BatcherConfig } from '../../../recorder/batcher.ts';
import { BULK_BATCH_BYTES, BULK_BATCH_DELAY_MS } from '../../../recorder/constants.ts';

const event = (n: number, pad = 0) => ({ type: 3, data: { n, pad: 'x'.repeat(pad) }, timestamp: n });

function setup(config: Partial<BatcherConfig> = {}) {
  const cuts: BatchCut[] = [];
  const batcher = createBatcher({ maxAgeMs: 5_000, maxEvents: 500, maxBytes: 512 * 1024, ...config }, (cut) => cuts.push(cut));
  const numbers = () => cuts.map((cut) => cut.events.map((json) => JSON.parse(json).data.n));
  return { batcher, cuts, numbers };
}

describe('recorder | batcher flush policy', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  test('by age: a batch leaves flushIntervalMs after its first event, not later', () => {
    const { batcher, numbers } = setup();
    batcher.add(event(1), 's');
    vi.advanceTimersByTime(3_000);
    batcher.add(event(2), 's'); // does not restart the clock
    vi.advanceTimersByTime(1_999);
    expect(numbers()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(numbers()).toEqual([[1, 2]]);
    vi.advanceTimersByTime(60_000);
    expect(numbers()).toEqual([[1, 2]]); // an empty buffer sends nothing
  });

  test("what an event carries travels with the batch that holds it, also when its add cuts the one before or its own", () => {
    const { batcher, cuts } = setup({ maxEvents: 2 });
    batcher.add(event(1), 's', ['a']);
    batcher.add(event(2), 's'); // the count cuts [1, 2]
    batcher.add(event(3), 's1', ['b']);
    batcher.add(event(4), 's2', ['c']); // a new session cuts [3] first
    batcher.cut();
    expect(cuts.map((cut) => cut.carries)).toEqual([['a'], ['b'], ['c']]);
  });

  test('by count: maxBatchEvents events make a batch at once', () => {
    const { batcher, numbers } = setup({ maxEvents: 3 });
    for (let n = 1; n <= 7; n++) batcher.add(event(n), 's');
    expect(numbers()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(batcher.pendingEvents).toBe(1);
    vi.advanceTimersByTime(5_000);
    expect(numbers()).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  test('by size: a batch is cut before an event would take it past maxBatchBytes', () => {
    const size = JSON.stringify(event(1, 100)).length;
    const { batcher, cuts, numbers } = setup({ maxBytes: size * 2 + 10 });
    for (let n = 1; n <= 5; n++) batcher.add(event(n, 100), 's');
    expect(numbers()).toEqual([[1, 2], [3, 4]]);
    for (const cut of cuts) {
      expect(cut.bytes).toBe(cut.events.reduce((sum, json) => sum + json.length, 0));
      expect(cut.bytes).toBeLessThanOrEqual(size * 2 + 10);
    }
  });

  test('an event larger than maxBatchBytes travels alone instead of being dropped', () => {
    const { batcher, numbers } = setup({ maxBytes: 200 });
    batcher.add(event(1), 's');
    batcher.add(event(2, BULK_BATCH_BYTES), 's');
    batcher.add(event(3), 's');
    batcher.cut();
    expect(numbers()).toEqual([[1], [2], [3]]);
  });

  test('a session change cuts the batch: one batch never mixes sessions', () => {
    const { batcher, cuts } = setup();
    batcher.add(event(1), 'old');
    batcher.add(event(2), 'old');
    batcher.add(event(3), 'new');
    batcher.cut();
    expect(cuts.map((cut) => [cut.sessionId, cut.events.length])).toEqual([['old', 2], ['new', 1]]);
  });

  test('cut() sends the buffer now and resets the age clock', () => {
    const { batcher, numbers } = setup();
    batcher.add(event(1), 's');
    batcher.cut();
    batcher.cut();
    expect(numbers()).toEqual([[1]]);
    vi.advanceTimersByTime(4_000);
    batcher.add(event(2), 's');
    vi.advanceTimersByTime(4_999);
    expect(numbers()).toEqual([[1]]);
    vi.advanceTimersByTime(1);
    expect(numbers()).toEqual([[1], [2]]);
  });

  test('bulk: a buffer past BULK_BATCH_BYTES leaves within BULK_BATCH_DELAY_MS, and small events afterwards wait the full interval', () => {
    const { batcher, numbers } = setup();
    batcher.add(event(1), 's');
    vi.advanceTimersByTime(1_000);
    batcher.add(event(2, BULK_BATCH_BYTES), 's'); // a snapshot-sized event
    batcher.add(event(3), 's'); // joins it without moving the deadline
    vi.advanceTimersByTime(BULK_BATCH_DELAY_MS - 1);
    expect(numbers()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(numbers()).toEqual([[1, 2, 3]]);
    batcher.add(event(4), 's');
    vi.advanceTimersByTime(4_999);
    expect(numbers()).toEqual([[1, 2, 3]]);
    vi.advanceTimersByTime(1);
    expect(numbers()).toEqual([[1, 2, 3], [4]]);
  });

  test('bulk: an earlier deadline stands, whether the age timer or an earlier bulk set it', () => {
    const { batcher, numbers } = setup();
    batcher.add(event(1), 's');
    vi.advanceTimersByTime(4_900);
    batcher.add(event(2, BULK_BATCH_BYTES), 's'); // the age timer, due in 100 ms, is sooner
    vi.advanceTimersByTime(100);
    expect(numbers()).toEqual([[1, 2]]);
    batcher.add(event(3, BULK_BATCH_BYTES), 's');
    vi.advanceTimersByTime(BULK_BATCH_DELAY_MS - 50);
    batcher.add(event(4, BULK_BATCH_BYTES), 's'); // does not push the deadline further
    vi.advanceTimersByTime(49);
    expect(numbers()).toEqual([[1, 2]]);
    vi.advanceTimersByTime(1);
    expect(numbers()).toEqual([[1, 2], [3, 4]]);
  });
});
