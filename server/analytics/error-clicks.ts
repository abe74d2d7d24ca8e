/**
 * Error clicks: an uncaught error (sl:error) at time t with click.ts ≤ t ≤ click.ts + errorClickWindowMs
 * (inclusive).
 *
 * Each error is blamed on the latest click at or before it, so a burst of clicks followed by one error yields one
 * error click (the click that most likely ran the failing handler), not one per click. Errors outside every click's
 * window (on load, from timers) are not error clicks. Only Sightline's sl:error counts: rrweb's console plugin
 * records console output, not uncaught errors.
 */
import type { RecordedEvent } from '../../contract/protocol.ts';
import { SlTag } from '../../contract/protocol.ts';
import { clicksOf, slEvents, timeline } from './events.ts';
import { defaultThresholds, type Thresholds } from './thresholds.ts';

export interface ErrorClick {
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
  /** Time and message of the first error blamed on this click. */
  errorTs: number;
  message: string;
  /** Errors blamed on this click. */
  errorCount: number;
}

export function detectErrorClicks(
  events: readonly RecordedEvent[],
  thresholds: Thresholds = defaultThresholds,
): ErrorClick[] {
  const sorted = timeline(events);
  const clicks = clicksOf(sorted);
  const findings = new Map<number, ErrorClick>();
  let latestClick = -1;
  for (const error of slEvents(sorted, SlTag.Error)) {
    while (latestClick + 1 < clicks.length && clicks[latestClick + 1].ts <= error.ts) latestClick += 1;
    if (latestClick < 0) continue;
    const click = clicks[latestClick];
    if (error.ts - click.ts > thresholds.errorClickWindowMs) continue;
    const finding = findings.get(latestClick);
    if (finding) {
      finding.errorCount += 1;
      continue;
    }
    findings.set(latestClick, {
      selector: click.selector,
      tag: click.tag,
      label: click.label,
      ts: click.ts,
      x: click.x,
      y: click.y,
      errorTs: error.ts,
      message: error.payload.message,
      errorCount: 1,
    });
  }
  // Errors come in time order and the blamed click never moves back, so insertion order is click order.
  return [...findings.values()];
}
