/**
 * Heatmap buckets and the day calendar they are kept in: what a bucket key means, shared by what writes buckets and
 * what reads them. Each point (a click, or a mouse-move sample) is kept twice, so a viewer can place it on a page
 * rebuilt at another width:
 * - anchored to its element: the element's selector and the click's offset inside the element's box, binned into an
 *   ELEMENT_GRID × ELEMENT_GRID grid (ox, oy are fractions 0..1);
 * - by page coordinate, the fallback for elements the rebuilt page no longer has: PAGE_CELL_PX squares of the
 *   document, with the document width they were recorded at so the viewer can scale x to its own width.
 * Mouse moves carry no element, so they have page buckets only (selector '').
 */

/** Offset buckets per side inside an element. */
export const ELEMENT_GRID = 20;
/** Side of a page-coordinate bucket, in CSS px. */
export const PAGE_CELL_PX = 20;
/** One UTC day in ms: heatmaps are pre-aggregated per day. */
export const DAY_MS = 86_400_000;

export type CellAnchor = 'element' | 'page';

/** Days since the epoch (UTC) of a time in ms. */
export function dayOf(ts: number): number {
  return Math.floor(ts / DAY_MS);
}

/** Days either side of the epoch that a JavaScript Date can name (it spans ±8.64e15 ms). */
export const DATE_LIMIT_DAYS = 100_000_000;

/**
 * The whole day a Date can name nearest to `day`: past either end of its range the end, and the epoch for what is no
 * finite number. Day arithmetic goes through it, so a stored time out of range lands at an edge of a report (or a
 * bucket) instead of failing it with "Invalid time value".
 */
export function nameableDay(day: number): number {
  return Number.isFinite(day) ? Math.min(DATE_LIMIT_DAYS, Math.max(-DATE_LIMIT_DAYS, Math.floor(day))) : 0;
}

/** `YYYY-MM-DD` of a day number (`+275760-09-13` past year 9999), total through nameableDay. */
export function dayLabel(day: number): string {
  return new Date(nameableDay(day) * DAY_MS).toISOString().split('T')[0]!;
}

/** The day number of the first day of the UTC month holding `day`, or of the month after it (`offset` 1). */
export function monthStart(day: number, offset: 0 | 1 = 0): number {
  const named = nameableDay(day);
  const date = new Date(named * DAY_MS);
  const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1);
  // At the very ends of a Date's range that month's start may lie outside it: the edge day stands in.
  return Number.isNaN(start) ? named : dayOf(start);
}

/** A day range as read from the buckets: whole months from monthly roll-ups, the days around them from daily ones. */
export interface DaySpans {
  /** First days of the first and last whole month inside the range; null when it holds no whole month. */
  months: [number, number] | null;
  /** Day ranges (inclusive) outside those months. */
  days: Array<[number, number]>;
}

/**
 * Splits [fromDay, toDay] (inclusive) so a year of data is read as 12 monthly rows per bucket instead of 365 daily
 * ones: buckets are kept per day and rolled up per month.
 */
export function splitDayRange(fromDay: number, toDay: number): DaySpans {
  if (fromDay > toDay) return { months: null, days: [] };
  const firstWhole = monthStart(fromDay) === fromDay ? fromDay : monthStart(fromDay, 1);
  // Whole months end before the month that holds the day after the range.
  const wholeEnd = monthStart(toDay + 1);
  if (firstWhole >= wholeEnd) return { months: null, days: [[fromDay, toDay]] };
  const days: Array<[number, number]> = [];
  if (fromDay < firstWhole) days.push([fromDay, firstWhole - 1]);
  if (wholeEnd <= toDay) days.push([wholeEnd, toDay]);
  return { months: [firstWhole, monthStart(wholeEnd - 1)], days };
}

function clampIndex(value: number, size: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(size - 1, Math.max(0, Math.floor(value)));
}

/** The element-grid bucket of an offset inside an element (fractions, clamped to the box). */
export function elementCell(ox: number, oy: number): { cx: number; cy: number } {
  return { cx: clampIndex(ox * ELEMENT_GRID, ELEMENT_GRID), cy: clampIndex(oy * ELEMENT_GRID, ELEMENT_GRID) };
}

/** The page bucket of a document position in CSS px (negative positions clamp to 0). */
export function pageCell(x: number, y: number): { cx: number; cy: number } {
  const cell = (value: number) => (Number.isFinite(value) && value > 0 ? Math.floor(value / PAGE_CELL_PX) : 0);
  return { cx: cell(x), cy: cell(y) };
}

/** One stored bucket with its count summed over the days and devices asked for. */
export interface CellRow {
  selector: string;
  anchor: CellAnchor;
  /** Document width the page bucket was recorded at, CSS px; 0 for element buckets. */
  documentWidth: number;
  cx: number;
  cy: number;
  count: number;
}

