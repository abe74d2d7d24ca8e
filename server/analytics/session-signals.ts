/**
 * All click signals of one window, recomputed from its full event list whenever a batch arrives: a rage burst or a
 * click's response split across two batches is judged on the concatenated events, never batch by batch.
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
  return {
    rageClicks: detectRageClicks(sorted, thresholds),
    deadClicks: detectDeadClicks(sorted, thresholds),
    errorClicks: detectErrorClicks(sorted, thresholds),
  };
}
