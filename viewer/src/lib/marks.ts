/**
 * The replay's "moments": timeline marks (page views, custom events, identify, errors) and click signals (rage,
 * dead and error clicks) of one window, placed on its replay clock, and what they say about the moment watched.
 */
import type { SessionSignal, TimelineMark } from '../../../contract/api.ts';
import { urlPath } from './format.ts';

/** A timeline mark's kind, or a signal's: `error-click` keeps an error click apart from an uncaught error mark. */
export type MomentKind = TimelineMark['kind'] | 'rage' | 'dead' | 'error-click';

export interface PlacedMark {
  kind: MomentKind;
  /** ms since epoch. */
  ts: number;
  windowId: string;
  /** One line as a person reads it: the page's path, event name, error message, or the clicked element's label. */
  label: string;
  /** What the label stands for in full, shown on demand (tooltip): a page's whole URL, a clicked element's selector. */
  full: string;
  /** The label is machine text (the selector of an element recorded without a label), set in code type. */
  code: boolean;
  /** A second line for signals ("5 clicks, nothing happened", the error it caused); '' for plain marks. */
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
  console: 'Console error',
  request: 'Failed request',
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
  console: 'var(--mark-console)',
  request: 'var(--mark-request)',
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

/** A timeline mark as a line: pages by their path (the whole URL on demand), the rest as recorded. */
function markText(mark: TimelineMark): Pick<PlacedMark, 'label' | 'full' | 'code'> {
  return mark.kind === 'page'
    ? { label: urlPath(mark.label), full: mark.label, code: false }
    : { label: mark.label, full: '', code: false };
}

/** A signal's element: its label, with the selector on demand; the selector itself for recordings without labels. */
function signalText(signal: SessionSignal): Pick<PlacedMark, 'label' | 'full' | 'code'> {
  if (signal.label) return { label: signal.label, full: signal.selector, code: false };
  return { label: signal.selector || '(unknown element)', full: '', code: true };
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
      .map((mark) => ({ ...mark, ...markText(mark), server: mark.server === true, detail: '', rank: 0 })),
    ...signals.filter(inWindow).map((signal) => ({
      ...signalText(signal),
      server: false,
      kind: signalKinds[signal.kind],
      ts: signal.ts,
      windowId: signal.windowId,
      detail: signal.outcome,
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
    if (mark.kind === 'page') url = mark.full;
  }
  return url;
}
