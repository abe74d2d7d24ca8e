import { describe, expect, test } from 'vitest';
import { combineWindows, emptyWindowSummary, foldSummary } from '../../../../server/pipeline/window-summary.ts';
import type { SessionDelta } from '../../../../server/storage/model.ts';
import type { WindowSummary } from '../../../../server/storage/window-carry.ts';

const delta = (fields: Partial<SessionDelta>): SessionDelta => ({
  firstTs: 0,
  lastTs: 0,
  activeMs: 0,
  lastInputTs: null,
  entry: null,
  pages: [],
  clickCount: 0,
  errorCount: 0,
  consoleErrorCount: 0,
  failedRequestCount: 0,
  eventCount: 0,
  viewport: null,
  user: null,
  customEvents: [],
  ...fields,
});
const summary = (fields: Partial<WindowSummary>): WindowSummary => ({ ...emptyWindowSummary(), ...fields });
const desktop = (ts: number) => ({ width: 1280, height: 800, device: 'desktop' as const, ts });
const mobile = (ts: number) => ({ width: 390, height: 844, device: 'mobile' as const, ts });

describe('pipeline | window summary', () => {
  test('a window folds its chunks: sums, the earliest entry, the last viewport and user, the last input carried', () => {
    const first = foldSummary(emptyWindowSummary(), delta({ activeMs: 100, clickCount: 2, entry: { url: '/b', ts: 20 }, viewport: desktop(5), lastInputTs: 50 }));
    const second = foldSummary(first, delta({ activeMs: 30, errorCount: 1, entry: { url: '/a', ts: 10 }, user: { id: 'u', ts: 60 }, lastInputTs: 70 }));
    const third = foldSummary(second, delta({ entry: { url: '/c', ts: 10 }, viewport: mobile(3) }));
    expect(third).toEqual({
      activeMs: 130,
      lastInputTs: null,
      // An entry at the same time as the one held does not replace it.
      entry: { url: '/a', ts: 10 },
      clickCount: 2,
      errorCount: 1,
      consoleErrorCount: 0,
      failedRequestCount: 0,
      // The last reported in seq order, even at an earlier time: within a window, order is the recording's.
      viewport: mobile(3),
      user: { id: 'u', ts: 60 },
    });
  });

  test.each([
    ['in one order', ['w1', 'w2']],
    ['in the other', ['w2', 'w1']],
  ])('a session combines its windows the same whichever comes first (%s)', (_name, order) => {
    const windows: Record<string, WindowSummary> = {
      w1: summary({ activeMs: 10, clickCount: 1, entry: { url: '/w1', ts: 100 }, viewport: desktop(500), user: { id: 'early', ts: 50 } }),
      w2: summary({ activeMs: 5, errorCount: 2, entry: { url: '/w2', ts: 100 }, viewport: mobile(500), user: { id: 'late', ts: 90 } }),
    };
    expect(combineWindows(order.map((windowId) => ({ windowId, summary: windows[windowId]! })))).toEqual({
      activeMs: 15,
      clickCount: 1,
      errorCount: 2,
      consoleErrorCount: 0,
      failedRequestCount: 0,
      // Ties by time go to the smaller window id for the entry, the greater for the latest viewport.
      entry: { url: '/w1', ts: 100 },
      viewport: { width: 390, height: 844, device: 'mobile' },
      userId: 'late',
    });
  });

  test('a session with no viewport, entry or user keeps none', () => {
    expect(combineWindows([{ windowId: 'w', summary: emptyWindowSummary() }])).toEqual({
      activeMs: 0,
      clickCount: 0,
      errorCount: 0,
      consoleErrorCount: 0,
      failedRequestCount: 0,
      entry: null,
      viewport: null,
      userId: null,
    });
  });
});
