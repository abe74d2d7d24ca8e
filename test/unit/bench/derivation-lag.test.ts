import { describe, expect, test } from 'vitest';
import { percentile, summarizeLag } from '../../../bench/derivation-lag.ts';
import { interleavedBatch, type PacedSenderResult, type SentBatch, type StatusSample } from '../../../bench/paced-sender.ts';

const ack = (answeredAt: number, status = 200): SentBatch => ({ session: 's', seq: answeredAt, sentAt: answeredAt - 5, answeredAt, status });
const waiting = (askedAt: number, oldestPendingAgeMs: number, pendingChunks = 3): StatusSample => ({
  askedAt,
  answeredAt: askedAt + 2,
  pendingChunks,
  oldestPendingAgeMs,
});
const empty = (askedAt: number): StatusSample => ({ askedAt, answeredAt: askedAt + 2, pendingChunks: 0, oldestPendingAgeMs: null });

function run(batches: SentBatch[], samples: StatusSample[]): PacedSenderResult {
  return { batches, samples, startedAt: 0, lastAnsweredAt: Math.max(...batches.map((batch) => batch.answeredAt)) };
}

describe('bench | derivation lag', () => {
  test('a batch counts as derived at the first answer whose oldest waiting chunk was queued after its acknowledgement', () => {
    // At 1,000 the oldest waiting chunk was queued at 1,000 − 950 = 50: the ack at 40 is derived, the one at 100 not.
    // At 1,500 it was queued at 1,500 − 1,300 = 200: the ack at 100 is derived too.
    const summary = summarizeLag(run([ack(40), ack(100)], [waiting(1_000, 950), waiting(1_500, 1_300), empty(2_000)]));
    expect(summary.p50Ms).toBe(1_002 - 40);
    expect(summary.maxMs).toBe(1_502 - 100);
    expect(summary.neverDerived).toBe(0);
  });

  test('an answer with nothing waiting proves every batch acknowledged before it was asked', () => {
    const summary = summarizeLag(run([ack(10), ack(20), ack(30)], [empty(25), empty(40)]));
    expect(summary.p50Ms).toBe(42 - 30);
    expect(summary.maxMs).toBe(27 - 10);
    expect(summary.drainedAfterMs).toBe(42 - 30);
  });

  test('a watermark that went back (a stuck window) never un-derives a batch', () => {
    const summary = summarizeLag(run([ack(100)], [waiting(500, 300), waiting(600, 590), empty(700)]));
    expect(summary.maxMs).toBe(502 - 100);
  });

  test('batches never proved derived make the high percentiles infinite; refusals are counted apart', () => {
    const summary = summarizeLag(run([ack(10), ack(20), ack(30, 503)], [waiting(100, 85)]));
    expect(summary).toMatchObject({ acknowledged: 2, refused: 1, refusedBy: { 503: 1 }, neverDerived: 1, p99Ms: Infinity, drainedAfterMs: null });
    expect(summary.p50Ms).toBe(102 - 10);
  });

  test('what still waits a grace period after the last acknowledgement: none once an answer by then saw none', () => {
    expect(summarizeLag(run([ack(100)], [waiting(500, 450), empty(1_900)]), 2_000).waitingAfterGrace).toBe(0);
    expect(summarizeLag(run([ack(100)], [waiting(500, 450), waiting(2_100, 1_000, 9), empty(2_500)]), 2_000).waitingAfterGrace).toBe(9);
    expect(summarizeLag(run([ack(100)], [waiting(500, 450)]), 2_000).waitingAfterGrace).toBeNull();
  });

  test('the peak backlog is read while sending, and the sent rate from when batches left', () => {
    const batches = [0, 10, 20, 30, 40].map((at) => ({ session: 's', seq: at, sentAt: at, answeredAt: at + 5, status: 200 }));
    const summary = summarizeLag(run(batches, [waiting(20, 5, 7), waiting(44, 2, 2), waiting(60, 1, 50), empty(90)]));
    expect(summary.peakPending).toBe(7);
    expect(summary.sentPerSecond).toBe(100);
  });

  test.each([
    [[1, 2, 3, 4], 0.5, 2],
    [[1, 2, 3, 4], 0.99, 4],
    [Array.from({ length: 200 }, (_, i) => i + 1), 0.99, 198],
  ])('percentile of %j at %d is %d (nearest rank)', (samples, share, value) => {
    expect(percentile(samples, share)).toBe(value);
  });

  test('the steady load records several sessions at a time, each sending its batches in order, a turn apart', () => {
    const sent = Array.from({ length: 3 * 4 * 2 }, (_, n) => ({ n, ...interleavedBatch(n, 4, 3) }));
    for (let session = 0; session < 6; session++) {
      const own = sent.filter((batch) => batch.session === session);
      expect(own.map((batch) => batch.seq)).toEqual([0, 1, 2, 3]);
      expect(own.slice(1).map((batch, i) => batch.n - own[i]!.n)).toEqual([3, 3, 3]);
    }
  });
});
