/** Facts about a recorded page view that the heatmap background needs before rrweb rebuilds it. */
import { RrwebEventType } from '../../../contract/protocol.ts';

/** The rebuilt page, as overlays need it. */
export interface RebuiltPage {
  document: Document;
  /** Document size in CSS px: the overlays' coordinate space. */
  width: number;
  height: number;
}

export type SnapshotEvent = { type: number; data: unknown; timestamp: number };

/**
 * ms from the first event at which to show the page: `settleMs` after the full snapshot, so content the page
 * rendered just after load is in, or the view's last event when the view is shorter than that.
 */
export function pauseOffset(events: readonly SnapshotEvent[], settleMs: number): number {
  if (events.length === 0) return 0;
  const start = events[0].timestamp;
  const snapshot = events.find((event) => event.type === RrwebEventType.FullSnapshot);
  const end = events[events.length - 1].timestamp;
  return Math.max(0, Math.min(end, (snapshot?.timestamp ?? start) + settleMs) - start);
}

/** rrweb needs two events, one a full snapshot, to draw anything. */
export function canRebuild(events: readonly SnapshotEvent[]): boolean {
  return events.length >= 2 && events.some((event) => event.type === RrwebEventType.FullSnapshot);
}
