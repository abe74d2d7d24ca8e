/**
 * Client of GET /api/status and POST /api/rederive, and the pure readings the viewer takes of a status: whether
 * derivation is behind and by how much, in words; whether sessions seen processing are derived by now; how far a
 * re-derivation has come.
 */
import type { RederiveResponse, RederiveState, StatusResponse } from '../../../contract/api.ts';
import { apiRequest } from './api.ts';

/** How often the status is asked while chunks wait or a page waits for its sessions to be derived, in ms. */
export const STATUS_POLL_MS = 5_000;
/** How often it is asked while a re-derivation's progress bar is on screen, in ms. */
export const REDERIVE_POLL_MS = 1_000;

export function fetchStatus(signal?: AbortSignal): Promise<StatusResponse> {
  return apiRequest('/api/status', { signal });
}

/** Starts re-deriving the project's history; a running one answers 409 `rederive_running`. */
export function startRederive(): Promise<RederiveResponse> {
  return apiRequest('/api/rederive', { method: 'POST' });
}

/** Whether the status is worth asking again by itself: chunks wait, or a re-derivation runs. */
export function hasPendingWork(status: StatusResponse): boolean {
  return status.derivation.pendingChunks > 0 || status.rederive.state === 'running';
}

/**
 * Whether everything that was processing `elapsedMs` ago is derived now: no re-derivation runs and no chunk waits
 * that was already waiting then. Ages are durations on each side, so the two clocks need not agree.
 */
export function derivedSince(status: StatusResponse, elapsedMs: number): boolean {
  if (status.rederive.state === 'running') return false;
  const oldest = status.derivation.oldestPendingAgeMs;
  return status.derivation.pendingChunks === 0 || oldest === null || oldest < elapsedMs;
}

const countFormat = new Intl.NumberFormat();

function plural(count: number, one: string, many: string): string {
  return `${countFormat.format(count)} ${count === 1 ? one : many}`;
}

/** "40 seconds", "3 minutes", "2 hours": how long, rounded down to the largest unit that fits. */
export function formatLag(ms: number): string {
  const seconds = Math.max(1, Math.floor(ms / 1000));
  if (seconds < 60) return plural(seconds, 'second', 'seconds');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute', 'minutes');
  return plural(Math.floor(minutes / 60), 'hour', 'hours');
}

/** The header's notice while derivation is behind; null while it keeps up. */
export function behindNotice(status: StatusResponse): { headline: string; detail: string } | null {
  const { behind, oldestPendingAgeMs, pendingChunks } = status.derivation;
  if (!behind || oldestPendingAgeMs === null) return null;
  return {
    headline: `Processing is ${formatLag(oldestPendingAgeMs)} behind; new sessions appear late.`,
    detail: `${plural(pendingChunks, 'recorded batch waits', 'recorded batches wait')} to be processed.`,
  };
}

/** A running re-derivation as a progress bar reads it; null when none runs. */
export function rederiveProgress(state: RederiveState): { done: number; total: number; percent: number } | null {
  if (state.state !== 'running') return null;
  const total = Math.max(state.totalChunks, state.doneChunks);
  const percent = total === 0 ? 0 : Math.floor((state.doneChunks / total) * 100);
  return { done: state.doneChunks, total, percent };
}

/** "1,200 of 5,000 batches". */
export function formatProgress(progress: { done: number; total: number }): string {
  return `${countFormat.format(progress.done)} of ${plural(progress.total, 'batch', 'batches')}`;
}
