/**
 * The replay's developer panel as data: the console lines and requests of one window, placed on its replay clock,
 * and the filters the panel offers. Pure functions over the recorded events, so the panel only renders them.
 */
import type { ConsoleLevel, ConsolePayload, NetworkPayload, StackFrame } from '../../../contract/protocol.ts';

interface TimedEvent {
  type: number;
  data: unknown;
  timestamp: number;
}

export interface ConsoleRow {
  key: string;
  /** ms from the first event of the replayed window. */
  offsetMs: number;
  level: ConsoleLevel;
  message: string;
  frames: StackFrame[];
  /** Calls left out just before this one by the recorder's rate limit. */
  dropped: number;
}

export interface NetworkRow {
  key: string;
  /** When the request was made, ms from the first event (the event itself is recorded when it ended). */
  offsetMs: number;
  request: NetworkPayload;
  /** No answer, or a status of 500 or more. */
  failed: boolean;
}

const CUSTOM = 5;

function payloadOf<T>(event: TimedEvent, tag: string): T | null {
  if (event.type !== CUSTOM || typeof event.data !== 'object' || event.data === null) return null;
  const data = event.data as { tag?: unknown; payload?: unknown };
  return data.tag === tag && typeof data.payload === 'object' && data.payload !== null ? (data.payload as T) : null;
}

const LEVELS: ReadonlySet<unknown> = new Set(['error', 'warn', 'info', 'log', 'debug']);

/** The window's console lines in time order. */
export function consoleRows(events: readonly TimedEvent[], startTs: number): ConsoleRow[] {
  const rows: ConsoleRow[] = [];
  for (const event of events) {
    const payload = payloadOf<ConsolePayload>(event, 'sl:console');
    if (!payload || !LEVELS.has(payload.level)) continue;
    rows.push({
      key: `c${rows.length}:${event.timestamp}`,
      offsetMs: Math.max(0, event.timestamp - startTs),
      level: payload.level,
      message: typeof payload.message === 'string' ? payload.message : '',
      frames: Array.isArray(payload.frames) ? payload.frames : [],
      dropped: typeof payload.dropped === 'number' ? payload.dropped : 0,
    });
  }
  return rows.sort((a, b) => a.offsetMs - b.offsetMs);
}

/** A request failed when no answer arrived (network error, abort, timeout) or its status is 500 or more. */
export const isFailed = (request: Pick<NetworkPayload, 'status' | 'failure'>): boolean =>
  request.failure !== undefined || request.status >= 500;

/** The window's requests, in the order they were made. */
export function networkRows(events: readonly TimedEvent[], startTs: number): NetworkRow[] {
  const rows: NetworkRow[] = [];
  for (const event of events) {
    const request = payloadOf<NetworkPayload>(event, 'sl:network');
    if (!request || typeof request.url !== 'string' || typeof request.status !== 'number') continue;
    const duration = typeof request.durationMs === 'number' && request.durationMs > 0 ? request.durationMs : 0;
    rows.push({
      key: `n${rows.length}:${event.timestamp}`,
      offsetMs: Math.max(0, event.timestamp - duration - startTs),
      request,
      failed: isFailed(request),
    });
  }
  return rows.sort((a, b) => a.offsetMs - b.offsetMs);
}

/** Which console lines to show: errors, warnings, and the rest (info, log, debug) as one group. */
export type LevelGroup = 'error' | 'warn' | 'other';
export const LEVEL_GROUPS: readonly LevelGroup[] = ['error', 'warn', 'other'];
export const LEVEL_GROUP_LABELS: Record<LevelGroup, string> = { error: 'Errors', warn: 'Warnings', other: 'Info and logs' };
export const groupOf = (level: ConsoleLevel): LevelGroup => (level === 'error' || level === 'warn' ? level : 'other');

/** Which requests to show. */
export type StatusFilter = 'all' | 'failed' | 'client' | 'ok';
export const STATUS_FILTER_LABELS: Record<StatusFilter, string> = {
  all: 'All requests',
  failed: 'Failed (5xx, no answer)',
  client: 'Refused (4xx)',
  ok: 'Succeeded (2xx, 3xx)',
};

export function matchesStatus(row: NetworkRow, filter: StatusFilter): boolean {
  const { status, failure } = row.request;
  if (filter === 'failed') return row.failed;
  if (filter === 'client') return failure === undefined && status >= 400 && status < 500;
  if (filter === 'ok') return failure === undefined && status > 0 && status < 400;
  return true;
}

/** The row playing now: the last one at or before the playhead. */
export function currentKey(rows: ReadonlyArray<{ key: string; offsetMs: number }>, currentMs: number): string | null {
  let key: string | null = null;
  for (const row of rows) if (row.offsetMs <= currentMs) key = row.key;
  return key;
}

/** A request's outcome as a person reads it: its status, or why none came. */
export function outcomeOf(request: Pick<NetworkPayload, 'status' | 'failure'>): string {
  if (request.failure === 'error') return 'network error';
  if (request.failure === 'abort') return 'aborted';
  if (request.failure === 'timeout') return 'timed out';
  return request.status === 0 ? 'opaque' : String(request.status);
}

/** The URL without its origin when it is the page's own host, so the path stays readable in a narrow column. */
export function shortUrl(url: string, pageUrl: string): string {
  try {
    const parsed = new URL(url);
    const page = new URL(pageUrl);
    return parsed.origin === page.origin ? `${parsed.pathname}${parsed.search}` : url;
  } catch {
    return url;
  }
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '–';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** `fn (file:line:column)`, the way browsers print a frame. */
export function frameLine(frame: StackFrame): string {
  const where = `${frame.file}:${frame.line}:${frame.column}`;
  return frame.fn ? `${frame.fn} (${where})` : where;
}
