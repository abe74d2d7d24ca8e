import { describe, expect, test } from 'vitest';
import type { RederiveState, StatusResponse } from '../../../contract/api.ts';
import {
  behindNotice,
  derivedSince,
  formatLag,
  formatProgress,
  hasPendingWork,
  rederiveProgress,
} from '../../../viewer/src/lib/pipeline-status.ts';

function status(derivation: Partial<StatusResponse['derivation']> = {}, rederive: RederiveState = { state: 'idle' }): StatusResponse {
  return {
    derivation: { pendingChunks: 0, oldestPendingAgeMs: null, behind: false, backlogLimit: 20_000, ...derivation },
    rederive,
  };
}

const running: RederiveState = { state: 'running', doneChunks: 1_200, totalChunks: 5_000, startedAt: 0 };

describe('viewer | derivation status', () => {
  test.each([
    [999, '1 second'],
    [1_000, '1 second'],
    [59_999, '59 seconds'],
    [60_000, '1 minute'],
    [185_000, '3 minutes'],
    [3_599_999, '59 minutes'],
    [3_600_000, '1 hour'],
    [9_000_000, '2 hours'],
  ])('a lag of %i ms reads "%s"', (ms, words) => {
    expect(formatLag(ms)).toBe(words);
  });

  test('the notice names how far behind and how many batches wait, only while behind', () => {
    expect(behindNotice(status({ pendingChunks: 1_204, oldestPendingAgeMs: 185_000, behind: true }))).toEqual({
      headline: 'Processing is 3 minutes behind; new sessions appear late.',
      detail: '1,204 recorded batches wait to be processed.',
    });
    expect(behindNotice(status({ pendingChunks: 1, oldestPendingAgeMs: 6_000, behind: true }))?.detail).toBe(
      '1 recorded batch waits to be processed.',
    );
    expect(behindNotice(status({ pendingChunks: 3, oldestPendingAgeMs: 2_000, behind: false }))).toBeNull();
    expect(behindNotice(status())).toBeNull();
  });

  test('is worth asking again while chunks wait or a re-derivation runs', () => {
    expect(hasPendingWork(status())).toBe(false);
    expect(hasPendingWork(status({ pendingChunks: 1, oldestPendingAgeMs: 10 }))).toBe(true);
    expect(hasPendingWork(status({}, running))).toBe(true);
  });

  test.each([
    ['nothing waits', status(), 0, true],
    ['the oldest waiting chunk came after the page looked', status({ pendingChunks: 4, oldestPendingAgeMs: 2_999 }), 3_000, true],
    ['the oldest waiting chunk was there when the page looked', status({ pendingChunks: 4, oldestPendingAgeMs: 3_000 }), 3_000, false],
    ['a re-derivation runs', status({}, running), 60_000, false],
  ])('what a page saw processing is derived when %s: %s', (_, answer, elapsedMs, derived) => {
    expect(derivedSince(answer, elapsedMs)).toBe(derived);
  });

  test('a running re-derivation reads as a share of its chunks', () => {
    const progress = rederiveProgress(running);
    expect(progress).toEqual({ done: 1_200, total: 5_000, percent: 24 });
    expect(formatProgress(progress!)).toBe('1,200 of 5,000 batches');
    expect(rederiveProgress({ state: 'running', doneChunks: 0, totalChunks: 0, startedAt: 0 })).toEqual({ done: 0, total: 0, percent: 0 });
    expect(rederiveProgress({ state: 'idle' })).toBeNull();
  });
});
