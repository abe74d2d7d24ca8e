/** Timeline marks placed on one window's replay clock, and what they say about the moment being watched. */
import type { TimelineMark } from '../../../server/api/types.ts';

export interface PlacedMark extends TimelineMark {
  /** ms from the first event of the replayed window. */
  offsetMs: number;
  /** Stable key for keyed lists (two marks may share a timestamp). */
  key: string;
}

export const MARK_KIND_LABELS: Record<TimelineMark['kind'], string> = {
  page: 'Page',
  track: 'Event',
  identify: 'Identify',
  error: 'Error',
};

/** Marks of `windowId` (all marks when null) in time order, each with its offset from `startTs`. */
export function placeMarks(marks: readonly TimelineMark[], windowId: string | null, startTs: number): PlacedMark[] {
  return marks
    .filter((mark) => windowId === null || mark.windowId === windowId)
    .sort((a, b) => a.ts - b.ts)
    .map((mark, index) => ({ ...mark, offsetMs: Math.max(0, mark.ts - startTs), key: `${index}:${mark.ts}` }));
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
