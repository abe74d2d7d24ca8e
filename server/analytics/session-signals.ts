/**
 * All click signals of one window, recomputed from its full event list whenever a batch arrives: a rage burst or a
 * click's response split across two batches is judged on the concatenated events, never batch by batch.
 *
 * One burst is one finding: a dead click on the element of a rage burst (same selector as its first click), at or
 * after its first click and at or before its last, is part of the burst. It is counted in the burst's `deadClicks`
 * ("5 clicks, nothing happened") and not reported on its own.
 */
import type { RecordedEvent } from '../../contract/protocol.ts';
import { detectDeadClicks, type DeadClick } from './dead-clicks.ts';
import { detectErrorClicks, type ErrorClick } from './error-clicks.ts';
import { timeline } from './events.ts';
import { detectRageClicks, type RageClick } from './rage-clicks.ts';
import { defaultThresholds, type Thresholds } from './thresholds.ts';

export interface SessionSignals {
  rageClicks: RageClick[];
  deadClicks: DeadClick[];
  errorClicks: ErrorClick[];
}

export function computeSessionSignals(
  events: readonly RecordedEvent[],
  thresholds: Thresholds = defaultThresholds,
): SessionSignals {
  // Sorted once here; the detectors recognise the sorted list and do not sort it again.
  const sorted = timeline(events) as readonly RecordedEvent[];
  return foldBursts({
    rageClicks: detectRageClicks(sorted, thresholds),
    deadClicks: detectDeadClicks(sorted, thresholds),
    errorClicks: detectErrorClicks(sorted, thresholds),
  });
}

/** The signals with every dead click inside a rage burst counted in that burst instead of listed on its own. */
export function foldBursts({ rageClicks, deadClicks, errorClicks }: SessionSignals): SessionSignals {
  const bursts = rageClicks.map((rage) => ({ ...rage, deadClicks: 0 }));
  const alone = deadClicks.filter((dead) => {
    const burst = bursts.find((rage) => rage.selector === dead.selector && dead.ts >= rage.ts && dead.ts <= rage.lastTs);
    if (burst) burst.deadClicks += 1;
    return !burst;
  });
  return { rageClicks: bursts, deadClicks: alone, errorClicks };
}
