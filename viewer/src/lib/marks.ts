/**
 * The replay's "moments": timeline marks (page views, custom events, identify, errors) and click signals (rage,
 * dead and error clicks) of one window, placed on its replay clock, and what they say about the moment watched.
 */
import type { SessionSignal, TimelineMark } from '../../../contract/api.ts';

/** A timeline mark's kind, or a signal's: `error-click` keeps an error click apart from an uncaught error mark. */
export type MomentKind = TimelineMark['kind'] | 'rage' | 'dead' | 'error-click';

export interface PlacedMark {
  kind: MomentKind;
  /** ms since epoch. */
  ts: number;
  windowId: string;
  /** One line: the URL, event name, error message, or the clicked element's selector. */
  label: string;
  /** A second line for signals ("5 clicks", the error it caused); '' for plain marks. */
  detail: string;
  /** Sent by the store's backend (POST /api/events) rather than tracked in the page. */
  server: boolean;
  /** ms from the first event of the replayed window. */
  offsetMs: number;
  /** Where a click on it seeks: a signal starts a little earlier, so the clicks are seen happening. */
  seekMs: number;
  /** Stable key for keyed lists (two moments may share a timestamp). */
  key: string;
}

export const MARK_KIND_LABELS: Record<MomentKind, string> = {
  page: 'Page',
  track: 'Event',
  identify: 'Identify',
  error: 'Error',
  rage: 'Rage click',
  dead: 'Dead click',
  'error-click': 'Error click',
};

/** Marker colours; the mark colours live in app.css, the signal colours here since only the replay uses them. */
export const MARK_KIND_COLORS: Record<MomentKind, string> = {
  page: 'var(--mark-page)',
  track: 'var(--mark-track)',
  identify: 'var(--mark-identify)',
  error: 'var(--mark-error)',
  rage: '#e8590c',
  dead: '#5c6b7a',
  'error-click': '#a61e4d',
};

/** Signals are drawn as diamonds, the other marks as dots, so they differ by shape as well as colour. */
export function isSignalKind(kind: MomentKind): kind is 'rage' | 'dead' | 'error-click' {
  return kind === 'rage' || kind === 'dead' || kind === 'error-click';
}

/** How long before a signal's first click its jump lands, ms: a burst seen from its start reads as a burst. */
export const SIGNAL_LEAD_IN_MS = 1_000;

const signalKinds: Record<SessionSignal['kind'], MomentKind> = { rage: 'rage', dead: 'dead', error: 'error-click' };

function signalDetail(signal: SessionSignal): string {
  if (signal.kind === 'rage') return `${signal.count} clicks`;
  if (signal.kind === 'error') {
    const errors = signal.count === 1 ? '1 error' : `${signal.count} errors`;
    return signal.message ? `${errors}: ${signal.message}` : errors;
  }
  return 'nothing happened';
}

/**
 * Marks and signals of `windowId` (all windows when null) in time order, each with its offset from `startTs`.
 * The backend's events belong to no tab, so every window shows them.
 * On a tie a mark comes first: a page view at the same ms as a click happened before the click was judged.
 */
export function placeMarks(
  marks: readonly TimelineMark[],
  windowId: string | null,
  startTs: number,
  signals: readonly SessionSignal[] = [],
): PlacedMark[] {
  const inWindow = <T extends { windowId: string }>(item: T) => windowId === null || item.windowId === windowId;
  const unplaced = [
    ...marks
      .filter((mark) => mark.server || inWindow(mark))
      .map((mark) => ({ ...mark, server: mark.server === true, detail: '', rank: 0 })),
    ...signals.filter(inWindow).map((signal) => ({
      server: false,
      kind: signalKinds[signal.kind],
      ts: signal.ts,
      windowId: signal.windowId,
      label: signal.selector || '(unknown element)',
      detail: signalDetail(signal),
      rank: 1,
    })),
  ];
  return unplaced
    .sort((a, b) => a.ts - b.ts || a.rank - b.rank)
    .map(({ rank: _rank, ...moment }, index) => {
      const offsetMs = Math.max(0, moment.ts - startTs);
      const seekMs = isSignalKind(moment.kind) ? Math.max(0, offsetMs - SIGNAL_LEAD_IN_MS) : offsetMs;
      return { ...moment, offsetMs, seekMs, key: `${index}:${moment.ts}` };
    });
}

/** The URL of the last `page` mark at or before `offsetMs`, else `fallback`. */
export function urlAt(marks: readonly PlacedMark[], offsetMs: number, fallback: string): string {
  let url = fallback;
  for (const mark of marks) {
    if (mark.offsetMs > offsetMs) break;
    if (mark.kind === 'page') url = mark.label;
  }
  return url;
}
