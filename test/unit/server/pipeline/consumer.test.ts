import { afterEach, describe, expect, test, vi } from 'vitest';
import { createConsumer } from '../../../../server/pipeline/consumer.ts';
import type { BatchLimits, BatchResult } from '../../../../server/pipeline/derive-batch.ts';
import type { PendingWindow } from '../../../../server/storage/derive-queue.ts';

/** A queue of windows of one chunk each; `failing` windows throw when derived (alone or in a batch). */
function fakeQueue(names: string[], failing: string[] = []) {
  const queued = names.map((name): PendingWindow => ({ projectId: 1, sessionId: name, windowId: 'w', chunks: [{ seq: 0, quiet: false, queuedAt: 0 }] }));
  const calls: BatchLimits[] = [];
  const derived: string[] = [];
  const claimable = (limit: number) => queued.slice(0, limit);
  function deriveBatch(limits: BatchLimits): BatchResult {
    calls.push(limits);
    const claimed = queued.filter((window) => !limits.skip?.has(`${window.sessionId}\nw`)).slice(0, limits.maxChunks);
    if (claimed.some((window) => failing.includes(window.sessionId))) throw new Error('bad chunk');
    for (const window of claimed) {
      queued.splice(queued.indexOf(window), 1);
      derived.push(window.sessionId);
    }
    return { chunks: claimed.length, liveChunks: claimed.length, liveQueuedAt: claimed.map(() => 0), windows: claimed.length };
  }
  return { deriveBatch, claimable, calls, derived, queued };
}

describe('pipeline | consumer', () => {
  afterEach(() => vi.restoreAllMocks());

  test('derives in transactions of up to batchChunks, going back to the event loop between them, until drained', async () => {
    const queue = fakeQueue(['a', 'b', 'c', 'd', 'e']);
    const consumer = createConsumer(queue, { batchChunks: 2 });
    const batches: number[] = [];
    consumer.onBatch((result) => batches.push(result.chunks));
    await consumer.drain();
    expect(batches).toEqual([2, 2, 1]);
    expect(queue.derived).toEqual(['a', 'b', 'c', 'd', 'e']);
    // The last transaction found nothing: that is what resolved drain().
    expect(queue.calls).toHaveLength(4);
  });

  test('wakes coalesce: many appends in one turn start one transaction', async () => {
    const queue = fakeQueue(['a']);
    const consumer = createConsumer(queue);
    for (let index = 0; index < 10; index++) consumer.wake();
    await consumer.drain();
    expect(queue.calls).toHaveLength(2);
  });

  test('paused, it derives nothing until resumed; drain() waits for it', async () => {
    const queue = fakeQueue(['a']);
    const consumer = createConsumer(queue, { paused: true });
    let drained = false;
    void consumer.drain().then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([drained, queue.derived]).toEqual([false, []]);
    consumer.resume();
    await consumer.drain();
    expect([drained, queue.derived]).toEqual([true, ['a']]);
  });

  test('a window that throws is found, reported and skipped; the others are derived', async () => {
    const queue = fakeQueue(['a', 'bad', 'c'], ['bad']);
    const report = vi.fn();
    const consumer = createConsumer({ ...queue, report }, { batchChunks: 10 });
    await consumer.drain();
    expect(queue.derived).toEqual(['a', 'c']);
    expect(queue.queued.map((window) => window.sessionId)).toEqual(['bad']);
    expect(report).toHaveBeenCalledOnce();
    expect(report.mock.calls[0]![0]).toContain('session bad');
  });

  test.each([
    // Fake timers count the next turn of the event loop (setImmediate) as 1 ms.
    ['no batches arrive: back to back', false, 1, [1, 1, 1]],
    ['batches arrive with idle moments between: waits as long as each transaction took', true, 0.5, [10, 10, 10]],
    ['batches leave the loop no idle moment: waits four times as long (a fifth of the time)', true, 0, [40, 40, 40]],
  ])('paces itself behind ingest: %s', async (_name, arriving, idle, gaps) => {
    vi.useFakeTimers();
    try {
      const queue = fakeQueue(['a', 'b', 'c', 'd']);
      let clock = 0;
      const started: number[] = [];
      const deriveBatch = (limits: BatchLimits) => {
        if (queue.queued.length === 0) return queue.deriveBatch(limits);
        started.push(Date.now());
        // Each transaction takes 10 ms.
        clock += 10;
        return queue.deriveBatch({ ...limits, maxChunks: 1 });
      };
      const consumer = createConsumer({ deriveBatch, claimable: queue.claimable, idleShare: () => idle, now: () => clock });
      // Ingest appends a batch every millisecond, as many connections would.
      const ingest = arriving ? setInterval(() => consumer.wake('append'), 1) : undefined;
      consumer.wake(arriving ? 'append' : undefined);
      await vi.advanceTimersByTimeAsync(500);
      clearInterval(ingest);
      expect(queue.derived).toEqual(['a', 'b', 'c', 'd']);
      expect(started.slice(1).map((at, index) => at - started[index]!)).toEqual(gaps);
    } finally {
      vi.useRealTimers();
    }
  });

  test('a database that cannot write is retried later, whole, with nothing skipped', async () => {
    const queue = fakeQueue(['a']);
    let busy = true;
    const report = vi.fn();
    const deriveBatch = (limits: BatchLimits) => {
      if (busy) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      return queue.deriveBatch(limits);
    };
    const consumer = createConsumer({ deriveBatch, claimable: queue.claimable, report }, { pollMs: 10 });
    consumer.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(report).toHaveBeenCalled();
    expect(report.mock.calls[0]![0]).toContain('could not write');
    busy = false;
    await consumer.drain();
    consumer.stop();
    expect(queue.derived).toEqual(['a']);
  });
});
