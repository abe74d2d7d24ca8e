/**
 * The Funnels, Forms and Checkout pages' client: their API calls, the report scope (date range + device) and the
 * funnel steps as the hash query holds them, and the few number formats the reports share. Pure apart from the
 * request functions, so the encodings are unit-tested without a browser.
 */
import type {
  FormsResponse,
  FunnelList,
  FunnelQuery,
  FunnelQueryResponse,
  FunnelStep,
  MetricsResponse,
  SavedFunnel,
} from '../../../contract/insights.ts';
import type { DeviceClass } from '../../../contract/vocabulary.ts';
import type { SessionList } from '../../../contract/api.ts';
import { apiRequest, toQueryString } from './api.ts';
import { DEVICE_CLASSES, emptyFilters, filtersFromQuery, filtersToApiQuery } from './filters.ts';

/** The filters every report page has; days are `YYYY-MM-DD` in local time, '' for open-ended. */
export interface ReportScope {
  from: string;
  to: string;
  device: DeviceClass | '';
}

/** Reads `from`, `to`, `device` from a hash query, with the sessions list's rules (a bad value is ignored). */
export function scopeFromQuery(query: URLSearchParams): ReportScope {
  const { from, to, device } = filtersFromQuery(query);
  return { from, to, device };
}

/** Writes the set scope filters into `query` (a copy), removing the unset ones. */
export function scopeToQuery(scope: ReportScope, query = new URLSearchParams()): URLSearchParams {
  const next = new URLSearchParams(query);
  for (const key of ['from', 'to', 'device'] as const) {
    if (scope[key]) next.set(key, scope[key]);
    else next.delete(key);
  }
  return next;
}

export function hasScope(scope: ReportScope): boolean {
  return Boolean(scope.from || scope.to || scope.device);
}

/** The API's `from`/`to` (ms since epoch, `to` at the end of its day) and `device`; unset ones are left out. */
export function scopeToApi(scope: ReportScope): { from?: number; to?: number; device?: DeviceClass } {
  const { from, to, device } = filtersToApiQuery({ ...emptyFilters, ...scope });
  return { ...(from !== undefined && { from }), ...(to !== undefined && { to }), ...(device && { device }) };
}

export { DEVICE_CLASSES };

// ---- Requests ----

export function getForms(scope: ReportScope, signal?: AbortSignal): Promise<FormsResponse> {
  return apiRequest<FormsResponse>(`/api/forms${toQueryString(scopeToApi(scope))}`, { signal });
}

export function getMetrics(scope: ReportScope, signal?: AbortSignal): Promise<MetricsResponse> {
  return apiRequest<MetricsResponse>(`/api/metrics${toQueryString(scopeToApi(scope))}`, { signal });
}

export function queryFunnel(query: FunnelQuery, signal?: AbortSignal): Promise<FunnelQueryResponse> {
  return apiRequest<FunnelQueryResponse>('/api/funnels/query', { method: 'POST', body: query, signal });
}

export function listFunnels(signal?: AbortSignal): Promise<FunnelList> {
  return apiRequest<FunnelList>('/api/funnels', { signal });
}

export function saveFunnel(funnel: { name: string; steps: FunnelStep[]; windowMs: number }): Promise<SavedFunnel> {
  return apiRequest<SavedFunnel>('/api/funnels', { method: 'POST', body: funnel });
}

export function deleteFunnel(id: number): Promise<void> {
  return apiRequest<void>(`/api/funnels/${id}`, { method: 'DELETE' });
}

/** The largest page of the sessions list the server gives; as many as a step's listed drop-offs (100). */
const DROPPED_LIST_LIMIT = 200;

/** Sessions of a saved funnel that dropped at `step` (≥ 1), in one list call, with their start times. */
export function listDroppedSessions(
  funnelId: number,
  step: number,
  scope: ReportScope,
  signal?: AbortSignal,
): Promise<SessionList> {
  const query = { ...scopeToApi(scope), funnel: funnelId, droppedAtStep: step, limit: DROPPED_LIST_LIMIT };
  return apiRequest<SessionList>(`/api/sessions${toQueryString(query)}`, { signal });
}

/** `#/?funnel=<id>&droppedAtStep=k` plus the scope: the sessions list filtered to one drop-off. */
export function droppedSessionsHref(funnelId: number, step: number, scope: ReportScope): string {
  const query = scopeToQuery(scope, new URLSearchParams({ funnel: String(funnelId), droppedAtStep: String(step) }));
  return `#/?${query}`;
}

// ---- Funnel steps ----

export const DEFAULT_FUNNEL_WINDOW_MS = 30 * 60 * 1000;

/**
 * The demo store's checkout funnel. The list is `/demo/` (the store's root, where every visit lands; it matches
 * `/demo/index.html` too, the same page); checkout is the `checkout_start` event the
 * checkout page tracks once the cart is rendered, so a visit to an empty checkout page does not count.
 */
export const checkoutPreset: readonly FunnelStep[] = Object.freeze([
  { type: 'page', pattern: '/demo/' },
  { type: 'page', pattern: '/demo/product.html' },
  { type: 'page', pattern: '/demo/cart.html' },
  { type: 'event', name: 'checkout_start' },
  { type: 'event', name: 'purchase' },
]);

/** `page:/cart` or `event:purchase`, one `step` key per step in the hash query. */
export function encodeStep(step: FunnelStep): string {
  return step.type === 'page' ? `page:${step.pattern}` : `event:${step.name}`;
}

export function decodeStep(text: string): FunnelStep | null {
  const separator = text.indexOf(':');
  if (separator < 0) return null;
  const kind = text.slice(0, separator);
  const value = text.slice(separator + 1).trim();
  if (kind === 'page' && value.startsWith('/')) return { type: 'page', pattern: value };
  if (kind === 'event' && value !== '') return { type: 'event', name: value };
  return null;
}

/** What a funnel page shows: a saved funnel by id, or steps given in the hash; the window in minutes. */
export interface FunnelSelection {
  savedId: number | null;
  steps: FunnelStep[];
  windowMs: number;
}

export function funnelFromQuery(query: URLSearchParams): FunnelSelection {
  const id = Number(query.get('funnel'));
  const minutes = Number(query.get('window'));
  return {
    savedId: Number.isSafeInteger(id) && id > 0 ? id : null,
    steps: query.getAll('step').flatMap((text) => decodeStep(text) ?? []),
    windowMs: Number.isFinite(minutes) && minutes > 0 ? Math.round(minutes * 60_000) : DEFAULT_FUNNEL_WINDOW_MS,
  };
}

/** The hash query of a funnel page: a saved id alone (its steps live on the server), or the steps and window. */
export function funnelToQuery(selection: FunnelSelection, scope: ReportScope): URLSearchParams {
  const query = new URLSearchParams();
  if (selection.savedId !== null) query.set('funnel', String(selection.savedId));
  else {
    for (const step of selection.steps) query.append('step', encodeStep(step));
    if (selection.windowMs !== DEFAULT_FUNNEL_WINDOW_MS) query.set('window', String(selection.windowMs / 60_000));
  }
  return scopeToQuery(scope, query);
}

/** A step as a person reads it. */
export function stepLabel(step: FunnelStep): string {
  return step.type === 'page' ? step.pattern : `event: ${step.name}`;
}

export function sameSteps(a: readonly FunnelStep[], b: readonly FunnelStep[]): boolean {
  return a.length === b.length && a.every((step, index) => encodeStep(step) === encodeStep(b[index]));
}

// ---- Formats ----

/** "42%"; one decimal below 10% ("4.5%"), where rounding would hide a real difference; "–" for null. */
export function formatPercent(ratio: number | null): string {
  if (ratio === null) return '–';
  const percent = ratio * 100;
  return `${percent > 0 && percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** "$1,234.50"; tracked values carry no currency, and the demo store sells in dollars. */
export function formatMoney(value: number | null): string {
  return value === null ? '–' : money.format(value);
}

/** "850 ms", "12 s", "3 min 5 s", "2 h 4 min"; "–" for null. */
export function formatSpan(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}
