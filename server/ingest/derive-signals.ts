/** The click signals of a window's events as the store keeps them: one finding per rage, dead or error click. */
import { computeSessionSignals } from '../analytics/session-signals.ts';
import { defaultThresholds, type Thresholds } from '../analytics/thresholds.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import type { SignalFinding } from '../storage/derived-model.ts';
import { clip, MAX_ELEMENT_LABEL_CHARS, MAX_MESSAGE_CHARS, MAX_SELECTOR_CHARS } from './derive-rows.ts';

/**
 * How far around a chunk signals depend on other events, in ms: comfortably more than the longest detector window
 * (rage bursts chain clicks 1 s apart; dead clicks look 1 s ahead and 0.3 s back; error clicks 1 s ahead).
 */
export const SIGNAL_CONTEXT_MS = 5_000;

export function findSignals(events: readonly RecordedEvent[], thresholds: Thresholds = defaultThresholds): SignalFinding[] {
  const { rageClicks, deadClicks, errorClicks } = computeSessionSignals(events, thresholds);
  // Clipped like the stored clicks, so a signal still finds the click it was found on.
  const found: SignalFinding[] = [
    ...rageClicks.map(({ selector, label, count, ts, lastTs, deadClicks, x, y }): SignalFinding => ({
      kind: 'rage',
      ts,
      selector,
      label,
      x,
      y,
      count,
      details: { lastTs, deadClicks },
    })),
    ...deadClicks.map(({ selector, label, tag, ts, x, y }): SignalFinding => ({
      kind: 'dead',
      ts,
      selector,
      label,
      x,
      y,
      count: 1,
      details: { tag },
    })),
    ...errorClicks.map(({ selector, label, tag, ts, x, y, errorTs, message, errorCount }): SignalFinding => ({
      kind: 'error',
      ts,
      selector,
      label,
      x,
      y,
      count: errorCount,
      details: { tag, errorTs, message: clip(message, MAX_MESSAGE_CHARS) },
    })),
  ];
  return found.map((finding) => ({
    ...finding,
    selector: clip(finding.selector, MAX_SELECTOR_CHARS),
    label: clip(finding.label, MAX_ELEMENT_LABEL_CHARS),
  }));
}
