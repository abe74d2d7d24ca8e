/**
 * The sessions list's filters, and their two encodings: the hash query (short keys, shareable links) and the
 * API query (epoch ms, limit/offset). Pure functions, so the page only wires them to inputs.
 */
import type { DeviceClass } from '../../../server/api/types.ts';
import type { SessionQuery } from './api.ts';

export const SESSIONS_PAGE_SIZE = 50;
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
  /** 1-based page of results. */
  page: number;
}

export const emptyFilters: SessionFilters = {
  from: '',
  to: '',
  url: '',
  minDurationSec: null,
  userId: '',
  device: '',
  page: 1,
};

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

function positiveNumber(text: string | null): number | null {
  if (text === null || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : null;
}

export function filtersFromQuery(query: URLSearchParams): SessionFilters {
  const day = (key: string) => {
    const value = query.get(key) ?? '';
    return isoDay.test(value) ? value : '';
  };
  const device = query.get('device') ?? '';
  return {
    from: day('from'),
    to: day('to'),
    url: query.get('url') ?? '',
    minDurationSec: positiveNumber(query.get('minDuration')),
    userId: query.get('user') ?? '',
    device: (DEVICE_CLASSES as readonly string[]).includes(device) ? (device as DeviceClass) : '',
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
  if (filters.page > 1) query.set('page', String(filters.page));
  return query;
}

export function hasActiveFilters(filters: SessionFilters): boolean {
  return filtersToQuery({ ...filters, page: 1 }).size > 0;
}

/** Local midnight at the start of a `YYYY-MM-DD` day, ms since epoch. */
function startOfDay(day: string): number {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year, month - 1, date).getTime();
}

export function filtersToApiQuery(filters: SessionFilters, pageSize = SESSIONS_PAGE_SIZE): SessionQuery {
  const query: SessionQuery = { limit: pageSize, offset: (filters.page - 1) * pageSize };
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
  return query;
}
