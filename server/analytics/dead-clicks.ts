/**
 * Dead clicks: a click after which nothing happens, the visitor clicking something that looks clickable but is not.
 *
 * A click is rescued by any response at time t with
 *   click.ts - deadClickPressLeadMs ≤ t ≤ click.ts + deadClickWindowMs
 * (inclusive, so a response exactly at the window's end still counts). Responses: a DOM mutation (or a style,
 * canvas or media change), a navigation (sl:page, rrweb Meta or full snapshot), a scroll, a field getting focus
 * (sl:field focus), a control's value changing (rrweb Input: checkboxes change a property, not the DOM), or text
 * getting selected. The short lead before the click is there because the press comes first: menus that open on
 * pointerdown, and the selection a double-click makes on its second mousedown, answer a click before its click
 * event.
 *
 * Not judged:
 * - clicks on focus targets and controls (text fields, selects, checkboxes, media, canvas: see click-targets.ts),
 *   whose response often leaves no DOM trace, and on the page background (html, body), where nothing is expected;
 * - clicks whose window reaches past the last recorded event: the next batch may still hold the response, or the
 *   visitor left the site through a link. Signals are recomputed as batches arrive, so such a click is judged later.
 */
import type { RecordedEvent } from '../../contract/protocol.ts';
import { classifyClickTarget } from './click-targets.ts';
import {
  clicksOf,
  isDomChange,
  isFieldFocus,
  isInputChange,
  isNavigation,
  isScroll,
  isTextSelection,
  lastTimestamp,
  timeline,
  timesWhere,
  type TimedEvent,
} from './events.ts';
import { defaultThresholds, type Thresholds } from './thresholds.ts';

export interface DeadClick {
  selector: string;
  /** Lower-case tag name, '' when unknown. */
  tag: string;
  /** The element as a person reads it, '' when unknown. */
  label: string;
  /** Time of the click (ms since epoch). */
  ts: number;
  /** Page coordinates, or viewport coordinates on the rrweb fallback. */
  x: number;
  y: number;
}

const NOT_JUDGED = new Set(['field', 'control', 'background']);

/** Anything that shows the page reacted to a click. */
export function isClickResponse(event: TimedEvent): boolean {
  return (
    isDomChange(event) ||
    isNavigation(event) ||
    isScroll(event) ||
    isFieldFocus(event) ||
    isInputChange(event) ||
    isTextSelection(event)
  );
}

export function detectDeadClicks(
  events: readonly RecordedEvent[],
  thresholds: Thresholds = defaultThresholds,
): DeadClick[] {
  const sorted = timeline(events);
  const responseTimes = timesWhere(sorted, isClickResponse);
  const recordingEnd = lastTimestamp(sorted);
  const found: DeadClick[] = [];
  for (const click of clicksOf(sorted)) {
    if (NOT_JUDGED.has(classifyClickTarget(click))) continue;
    const windowEnd = click.ts + thresholds.deadClickWindowMs;
    if (recordingEnd <= windowEnd) continue;
    if (hasTimeBetween(responseTimes, click.ts - thresholds.deadClickPressLeadMs, windowEnd)) continue;
    const { selector, tag, label, ts, x, y } = click;
    found.push({ selector, tag, label, ts, x, y });
  }
  return found;
}

/** Whether the ascending times hold one in [from, to], by binary search. */
export function hasTimeBetween(times: readonly number[], from: number, to: number): boolean {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle] < from) low = middle + 1;
    else high = middle;
  }
  return low < times.length && times[low] <= to;
}
