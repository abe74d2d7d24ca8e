/** Facts about an rrweb event stream that the replay page needs before and around rrweb-player. */
import type { eventWithTime } from '@rrweb/types';
import { RrwebEventType } from '../../../contract/protocol.ts';

export type ReplayEvent = eventWithTime;

export interface FrameSize {
  width: number;
  height: number;
}

/** Keeps out events rrweb would choke on (a misspelt `type`, a missing timestamp) instead of crashing replay. */
export function isReplayEvent(value: unknown): value is ReplayEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as { type?: unknown; timestamp?: unknown };
  return typeof event.type === 'number' && typeof event.timestamp === 'number' && Number.isFinite(event.timestamp);
}

/** A console line or a request the recorder's developer capture added (sl:console, sl:network). */
export function isDevEvent(event: ReplayEvent): boolean {
  if (event.type !== RrwebEventType.Custom) return false;
  const tag = (event.data as { tag?: unknown }).tag;
  return tag === 'sl:console' || tag === 'sl:network';
}

/** rrweb needs two events to compute a duration and a full snapshot to draw anything. */
export function canStartReplay(events: readonly ReplayEvent[]): boolean {
  return events.length >= 2 && events.some((event) => event.type === RrwebEventType.FullSnapshot);
}

/** The recorded viewport from the first Meta event, or null when the stream has none. */
export function recordedViewport(events: readonly ReplayEvent[]): FrameSize | null {
  for (const event of events) {
    if (event.type !== RrwebEventType.Meta) continue;
    const data = event.data as { width?: unknown; height?: unknown };
    if (typeof data.width === 'number' && typeof data.height === 'number' && data.width > 0 && data.height > 0) {
      return { width: data.width, height: data.height };
    }
  }
  return null;
}

/** The page URL from the first Meta event, used before any `page` mark. */
export function recordedHref(events: readonly ReplayEvent[]): string | null {
  for (const event of events) {
    if (event.type !== RrwebEventType.Meta) continue;
    const href = (event.data as { href?: unknown }).href;
    if (typeof href === 'string') return href;
  }
  return null;
}

export function earliestTimestamp(events: readonly ReplayEvent[]): number {
  let earliest = Infinity;
  for (const event of events) earliest = Math.min(earliest, event.timestamp);
  return earliest;
}

/** The largest frame of the recording's aspect ratio that fits the available width and height. */
export function fitFrame(recorded: FrameSize, available: FrameSize): FrameSize {
  const ratio = recorded.width / recorded.height;
  let width = Math.max(0, available.width);
  let height = width / ratio;
  if (height > available.height) {
    height = Math.max(0, available.height);
    width = height * ratio;
  }
  return { width: Math.floor(width), height: Math.floor(height) };
}
