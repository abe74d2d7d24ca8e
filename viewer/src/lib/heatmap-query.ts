/**
 * The heatmap page's filters, kept in the hash query (`#/heatmaps?page=/product/:id&kind=rage&device=mobile`), so a
 * map is a shareable link. Pure functions: the page only wires them to inputs.
 */
import type { DeviceClass } from '../../../contract/vocabulary.ts';

/** What the map shows: one of the API's point maps, or the scroll map drawn from `/api/scrollmap`. */
export const HEATMAP_VIEWS = ['click', 'rage', 'dead', 'move', 'scroll'] as const;
export type HeatmapView = (typeof HEATMAP_VIEWS)[number];

export const DEVICES = ['desktop', 'tablet', 'mobile'] as const satisfies readonly DeviceClass[];
/** The device choice: one class, or '' for every device. */
export type DeviceChoice = DeviceClass | '';

/** Width to rebuild a snapshot at when the recording does not say (ARCHITECTURE.md's device classes). */
export const DEVICE_WIDTHS: Record<DeviceClass, number> = { mobile: 390, tablet: 820, desktop: 1440 };

export interface HeatmapFilters {
  /** Page key (`/product/:id`); '' picks the most clicked page. */
  page: string;
  /** Map kind. Defaults to 'click'. */
  view: HeatmapView;
  /** Device class of the recordings; '' counts every device. Defaults to ''. */
  device: DeviceChoice;
  /** First day, `YYYY-MM-DD` local, or '' for no bound. */
  from: string;
  /** Last day (whole day), `YYYY-MM-DD` local, or ''. */
  to: string;
}

const isoDay = /^\d{4}-\d{2}-\d{2}$/;

function oneOf<T extends string>(options: readonly T[], value: string | null, fallback: T): T {
  return value !== null && (options as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function heatmapFiltersFromQuery(query: URLSearchParams): HeatmapFilters {
  const day = (key: string) => {
    const value = query.get(key) ?? '';
    return isoDay.test(value) ? value : '';
  };
  return {
    page: query.get('page') ?? '',
    view: oneOf(HEATMAP_VIEWS, query.get('kind'), 'click'),
    device: oneOf<DeviceChoice>(DEVICES, query.get('device'), ''),
    from: day('from'),
    to: day('to'),
  };
}

/** Defaults are left out, so the plain page keeps the plain `#/heatmaps` link. */
export function heatmapFiltersToQuery(filters: HeatmapFilters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.page) query.set('page', filters.page);
  if (filters.view !== 'click') query.set('kind', filters.view);
  if (filters.device) query.set('device', filters.device);
  if (filters.from) query.set('from', filters.from);
  if (filters.to) query.set('to', filters.to);
  return query;
}

export function heatmapsHref(filters: HeatmapFilters): string {
  const text = heatmapFiltersToQuery(filters).toString();
  return text ? `#/heatmaps?${text}` : '#/heatmaps';
}

/** Which recordings a map counts, as a person reads it: 'all devices', 'desktop', 'mobile'. */
export function deviceScopeLabel(device: DeviceChoice): string {
  return device === '' ? 'all devices' : device;
}

/** The API's scope of the filters: its time range, and a device unless every device is counted. */
export function heatmapScopeOf(filters: Pick<HeatmapFilters, 'device' | 'from' | 'to'>): { device?: DeviceClass; from?: number; to?: number } {
  return { ...(filters.device && { device: filters.device }), ...timeRangeOf(filters) };
}

/** Local midnight at the start of a `YYYY-MM-DD` day, ms since epoch. */
function startOfDay(day: string): number {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year, month - 1, date).getTime();
}

/** The API's `from`/`to` (ms since epoch) of the filters' days; `to` covers its whole day. */
export function timeRangeOf(filters: Pick<HeatmapFilters, 'from' | 'to'>): { from?: number; to?: number } {
  const range: { from?: number; to?: number } = {};
  if (filters.from) range.from = startOfDay(filters.from);
  if (filters.to) {
    const next = new Date(startOfDay(filters.to));
    next.setDate(next.getDate() + 1);
    range.to = next.getTime() - 1;
  }
  return range;
}
