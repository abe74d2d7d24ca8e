/**
 * Rage clicks: a burst of clicks on one spot, the visitor hammering something that does not respond as hoped.
 *
 * A burst starts at a click (its first click) and takes the clicks that follow it without interruption: each lands
 * within `rageClickRadiusPx` of the first click and within `rageClickWindowMs` of the click before it. A click
 * elsewhere ends the burst. "One element or spot" is the radius alone: a selector match would join clicks far apart
 * on large targets (body, a wide banner). The burst is a rage click when at least `rageClickMinCount` of its clicks
 * land within `rageClickWindowMs` of its first click; it is reported once, with all its clicks counted, however long
 * the hammering goes on. Otherwise the next click is tried as a first click.
 *
 * Not reported (classifyClickTarget decides the kind from the burst's first click):
 * - steppers, text fields, selects, media, canvas, sliders, checkboxes: clicked repeatedly on purpose;
 * - text selection: at most 3 clicks (the browser's triple-click) all on one text element (p, span, h*, li, td …),
 *   each within `multiClickGapMs` of the last. Slower clicks cannot be a triple-click, and a 4th click selects
 *   nothing more, so those are still rage clicks.
 */
import type { RecordedEvent } from '../../contract/protocol.ts';
import { classifyClickTarget } from './click-targets.ts';
import { clicksOf, type Click } from './events.ts';
import { defaultThresholds, type Thresholds } from './thresholds.ts';

export interface RageClick {
  /** Selector and label (as a person reads it, '' when unknown) of the burst's first click target. */
  selector: string;
  label: string;
  /** Clicks in the burst. */
  count: number;
  /** Time of the burst's first click (ms since epoch): where the replay should start. */
  ts: number;
  /** Time of its last click (ms since epoch). */
  lastTs: number;
  /** Clicks of the burst on its element that got no response: the dead clicks folded into it (see session-signals.ts). */
  deadClicks: number;
  /** Position of the first click: page coordinates, or viewport coordinates on the rrweb fallback. */
  x: number;
  y: number;
}

/** Browsers stop at the triple-click: a 4th click in a row selects nothing more. A browser fact, not a threshold. */
const MAX_SELECTION_CLICKS = 3;

const REPEATED_ON_PURPOSE = new Set(['stepper', 'field', 'control']);

export function detectRageClicks(
  events: readonly RecordedEvent[],
  thresholds: Thresholds = defaultThresholds,
): RageClick[] {
  return findRageClicks(clicksOf(events), thresholds);
}

/** The same detection over clicks already extracted (in time order), for callers that hold them. */
export function findRageClicks(clicks: readonly Click[], thresholds: Thresholds = defaultThresholds): RageClick[] {
  const found: RageClick[] = [];
  let start = 0;
  while (start < clicks.length) {
    const burst = burstFrom(clicks, start, thresholds);
    const first = burst[0];
    const clicksInWindow = burst.filter((click) => click.ts - first.ts <= thresholds.rageClickWindowMs).length;
    if (clicksInWindow < thresholds.rageClickMinCount) {
      start += 1;
      continue;
    }
    if (!isExpectedRepetition(burst, thresholds)) {
      const { selector, label, ts, x, y } = first;
      found.push({ selector, label, count: burst.length, ts, lastTs: burst[burst.length - 1].ts, deadClicks: 0, x, y });
    }
    start += burst.length;
  }
  return found;
}

function distance(a: Click, b: Click): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function burstFrom(clicks: readonly Click[], start: number, thresholds: Thresholds): Click[] {
  const first = clicks[start];
  let end = start + 1;
  while (
    end < clicks.length &&
    distance(clicks[end], first) <= thresholds.rageClickRadiusPx &&
    clicks[end].ts - clicks[end - 1].ts <= thresholds.rageClickWindowMs
  ) {
    end += 1;
  }
  return clicks.slice(start, end);
}

function isExpectedRepetition(burst: readonly Click[], thresholds: Thresholds): boolean {
  const kind = classifyClickTarget(burst[0]);
  if (REPEATED_ON_PURPOSE.has(kind)) return true;
  return kind === 'text' && looksLikeTextSelection(burst, thresholds);
}

function looksLikeTextSelection(burst: readonly Click[], thresholds: Thresholds): boolean {
  if (burst.length > MAX_SELECTION_CLICKS) return false;
  return burst.every(
    (click, i) =>
      click.selector === burst[0].selector && (i === 0 || click.ts - burst[i - 1].ts <= thresholds.multiClickGapMs),
  );
}
