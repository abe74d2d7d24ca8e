/**
 * A session's summary as a fold: each window folds its chunks' deltas in seq order, and the session combines its
 * windows by rules that do not depend on which window's chunks arrived first (sums; the earliest entry; the latest
 * viewport and user by event time, ties going to the greater window id). So a session's row is the same whatever
 * order its chunks arrived in. Pure.
 */
import type { SessionDelta } from '../storage/model.ts';
import type { SessionSummaryWrite } from '../storage/sessions.ts';
import type { WindowSummary } from '../storage/window-carry.ts';

export function emptyWindowSummary(): WindowSummary {
  return {
    activeMs: 0,
    lastInputTs: null,
    entry: null,
    clickCount: 0,
    errorCount: 0,
    consoleErrorCount: 0,
    failedRequestCount: 0,
    viewport: null,
    user: null,
  };
}

/** The window's summary after one more chunk (the next in seq order). */
export function foldSummary(summary: WindowSummary, delta: SessionDelta): WindowSummary {
  const entry = delta.entry && (summary.entry === null || delta.entry.ts < summary.entry.ts) ? delta.entry : summary.entry;
  return {
    activeMs: summary.activeMs + delta.activeMs,
    lastInputTs: delta.lastInputTs,
    entry,
    clickCount: summary.clickCount + delta.clickCount,
    errorCount: summary.errorCount + delta.errorCount,
    consoleErrorCount: summary.consoleErrorCount + delta.consoleErrorCount,
    failedRequestCount: summary.failedRequestCount + delta.failedRequestCount,
    viewport: delta.viewport ?? summary.viewport,
    user: delta.user ?? summary.user,
  };
}

/** The window whose `pick` is latest by time (then by window id), or undefined when none has one. */
function latest<T extends { ts: number }>(windows: ReadonlyArray<{ windowId: string; summary: WindowSummary }>, pick: (summary: WindowSummary) => T | null) {
  let best: { windowId: string; value: T } | undefined;
  for (const { windowId, summary } of windows) {
    const value = pick(summary);
    if (value === null) continue;
    if (!best || value.ts > best.value.ts || (value.ts === best.value.ts && windowId > best.windowId)) best = { windowId, value };
  }
  return best?.value;
}

/** The session's derived columns from its windows' summaries. */
export function combineWindows(windows: ReadonlyArray<{ windowId: string; summary: WindowSummary }>): SessionSummaryWrite {
  let entry: { url: string; ts: number; windowId: string } | null = null;
  for (const { windowId, summary } of windows) {
    const candidate = summary.entry;
    if (candidate === null) continue;
    if (entry === null || candidate.ts < entry.ts || (candidate.ts === entry.ts && windowId < entry.windowId)) entry = { ...candidate, windowId };
  }
  const viewport = latest(windows, (summary) => summary.viewport);
  const sum = (field: 'activeMs' | 'clickCount' | 'errorCount' | 'consoleErrorCount' | 'failedRequestCount') => windows.reduce((total, { summary }) => total + summary[field], 0);
  return {
    activeMs: sum('activeMs'),
    entry: entry && { url: entry.url, ts: entry.ts },
    clickCount: sum('clickCount'),
    errorCount: sum('errorCount'),
    consoleErrorCount: sum('consoleErrorCount'),
    failedRequestCount: sum('failedRequestCount'),
    viewport: viewport ? { width: viewport.width, height: viewport.height, device: viewport.device } : null,
    userId: latest(windows, (summary) => summary.user)?.id ?? null,
  };
}
