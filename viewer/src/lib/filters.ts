/**
 * The sessions list's filters, and their two encodings: the hash query (short keys, shareable links) and the
 * API query (epoch ms, limit/offset). Pure functions, so the page only wires them to inputs. The insight filters
 * (signals, abandoned form, custom event, funnel step) keep the API's own names in the hash.
 */
import type { DeviceClass } from '../../../contract/vocabulary.ts';
import type { SessionSort } from '../../../contract/api.ts';
import type { SessionQuery } from './api.ts';

export const SESSIONS_PAGE_SIZE = 50;

/** Yes/no questions about a session the list can filter on; each key is both the hash key and the API flag. */
export const SIGNAL_FLAGS = [
  'hasRage', 'hasDead', 'hasErrorClicks', 'hasErrors', 'hasConsoleErrors', 'hasFailedRequests', 'abandonedForm',
] as const;
export type SignalFlag = (typeof SIGNAL_FLAGS)[number];

export const SIGNAL_FLAG_LABELS: Record<SignalFlag, string> = {
  hasRage: 'Rage clicks',
  hasDead: 'Dead clicks',
  hasErrorClicks: 'Error clicks',
  hasErrors: 'JS errors',
  hasConsoleErrors: 'Console errors',
  hasFailedRequests: 'Failed requests',
  abandonedForm: 'Abandoned a form',
};

/** Which of a saved funnel's sessions to keep; steps count from 0, and step 0 has no drop-off. */
export type FunnelStepPick = { reached: number } | { droppedAt: number };

/** GET /api/sessions' query: the base filters plus the insight filters (api.ts predates them). */
export interface SessionListQuery extends SessionQuery {
  hasRage?: true;
  hasDead?: true;
  hasErrorClicks?: true;
  hasErrors?: true;
  hasConsoleErrors?: true;
  hasFailedRequests?: true;
  abandonedForm?: true;
  event?: string;
  funnel?: number;
  reachedStep?: number;
  droppedAtStep?: number;
  sort?: 'friction';
}
export const DEVICE_CLASSES: readonly DeviceClass[] = ['desktop', 'tablet', 'mobile'];

export interface SessionFilters {
  /** First day to include, `YYYY-MM-DD` in local time, or ''. */
  from: string;
  /** Last day to include (whole day), `YYYY-MM-DD`, or ''. */
  to: string;
  /** Text the session's visited URLs must contain, or ''. */
  url: string;
  /** Shortest session to show in seconds, or null for any. */
  minDurationSec: number | null;
  userId: string;
  device: DeviceClass | '';
  /** Signals the session must have; only "has" is offered, "has not" is rarely what a person looks for. */
  flags: Record<SignalFlag, boolean>;
  /** Name of a custom (track) event the session must contain, or ''. */
  event: string;
  /** Id of a saved funnel whose sessions to show, or null; with no step, those that entered it. */
  funnelId: number | null;
  /** Step of that funnel reached or dropped at; null means entered (reached step 0). */
  funnelStep: FunnelStepPick | null;
  /** Newest first, or the sessions where most went wrong first. */
  sort: SessionSort;
  /** 1-based page of results. */
  page: number;
}

const noFlags: Record<SignalFlag, boolean> = {
  hasRage: false,
  hasDead: false,
  hasErrorClicks: false,
  hasErrors: false,
  hasConsoleErrors: false,
  hasFailedRequests: false,
  abandonedForm: false,
};

export const emptyFilters: SessionFilters = {
  from: '',
  to: '',
  url: '',
  minDurationSec: null,
  userId: '',
  device: '',
  flags: noFlags,
  event: '',
  funnelId: null,
  funnelStep: null,
  sort: 'recent',
  page: 1,
};

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

function positiveNumber(text: string | null): number | null {
  if (text === null || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : null;
}

function wholeNumber(text: string | null): number | null {
  return text !== null && /^\d{1,9}$/.test(text) ? Number(text) : null;
}

function funnelStepFromQuery(query: URLSearchParams): FunnelStepPick | null {
  const dropped = wholeNumber(query.get('droppedAtStep'));
  if (dropped !== null && dropped >= 1) return { droppedAt: dropped };
  const reached = wholeNumber(query.get('reachedStep'));
  // Reached step 0 is the same as entering the funnel: one spelling keeps links canonical.
  return reached !== null && reached > 0 ? { reached } : null;
}

export function filtersFromQuery(query: URLSearchParams): SessionFilters {
  const day = (key: string) => {
    const value = query.get(key) ?? '';
    return isoDay.test(value) ? value : '';
  };
  const device = query.get('device') ?? '';
  const funnelId = wholeNumber(query.get('funnel'));
  return {
    from: day('from'),
    to: day('to'),
    url: query.get('url') ?? '',
    minDurationSec: positiveNumber(query.get('minDuration')),
    userId: query.get('user') ?? '',
    device: (DEVICE_CLASSES as readonly string[]).includes(device) ? (device as DeviceClass) : '',
    flags: Object.fromEntries(SIGNAL_FLAGS.map((flag) => [flag, query.get(flag) === 'true'])) as Record<SignalFlag, boolean>,
    event: (query.get('event') ?? '').trim(),
    funnelId,
    funnelStep: funnelId === null ? null : funnelStepFromQuery(query),
    sort: query.get('sort') === 'friction' ? 'friction' : 'recent',
    page: Math.max(1, Math.floor(positiveNumber(query.get('page')) ?? 1)),
  };
}

/** Only set filters are written, so an unfiltered list keeps the plain `#/` link. */
export function filtersToQuery(filters: SessionFilters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.from) query.set('from', filters.from);
  if (filters.to) query.set('to', filters.to);
  if (filters.url.trim()) query.set('url', filters.url.trim());
  if (filters.minDurationSec !== null) query.set('minDuration', String(filters.minDurationSec));
  if (filters.userId.trim()) query.set('user', filters.userId.trim());
  if (filters.device) query.set('device', filters.device);
  for (const flag of SIGNAL_FLAGS) if (filters.flags[flag]) query.set(flag, 'true');
  if (filters.event.trim()) query.set('event', filters.event.trim());
  if (filters.funnelId !== null) {
    query.set('funnel', String(filters.funnelId));
    const step = filters.funnelStep;
    if (step && 'reached' in step) query.set('reachedStep', String(step.reached));
    if (step && 'droppedAt' in step) query.set('droppedAtStep', String(step.droppedAt));
  }
  if (filters.sort === 'friction') query.set('sort', 'friction');
  if (filters.page > 1) query.set('page', String(filters.page));
  return query;
}

/** Whether anything narrows the list (the order and the page do not). */
export function hasActiveFilters(filters: SessionFilters): boolean {
  return filtersToQuery({ ...filters, page: 1, sort: 'recent' }).size > 0;
}

/** Local midnight at the start of a `YYYY-MM-DD` day, ms since epoch. */
function startOfDay(day: string): number {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year, month - 1, date).getTime();
}

export function filtersToApiQuery(filters: SessionFilters, pageSize = SESSIONS_PAGE_SIZE): SessionListQuery {
  const query: SessionListQuery = { limit: pageSize, offset: (filters.page - 1) * pageSize };
  if (filters.from) query.from = startOfDay(filters.from);
  // `to` names a whole day: up to the last millisecond before the next local midnight.
  if (filters.to) {
    const next = new Date(startOfDay(filters.to));
    next.setDate(next.getDate() + 1);
    query.to = next.getTime() - 1;
  }
  if (filters.url.trim()) query.url = filters.url.trim();
  if (filters.minDurationSec !== null) query.minDurationMs = Math.round(filters.minDurationSec * 1000);
  if (filters.userId.trim()) query.userId = filters.userId.trim();
  if (filters.device) query.device = filters.device;
  for (const flag of SIGNAL_FLAGS) if (filters.flags[flag]) query[flag] = true;
  if (filters.event.trim()) query.event = filters.event.trim();
  if (filters.funnelId !== null) {
    query.funnel = filters.funnelId;
    const step = filters.funnelStep;
    if (step && 'reached' in step) query.reachedStep = step.reached;
    if (step && 'droppedAt' in step) query.droppedAtStep = step.droppedAt;
  }
  if (filters.sort === 'friction') query.sort = 'friction';
  return query;
}
