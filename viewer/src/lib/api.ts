/**
 * Typed client for Sightline's read API. Every failure, whether the server's `{ error: { code, message } }`,
 * a proxy's HTML error page or an unreachable server, comes out as one thrown `ApiError`, so pages show a
 * single kind of error.
 */
import type { ApiError as ApiErrorBody } from '../../../contract/reason-codes.ts';
import type { EventPage, SessionDetail, SessionList } from '../../../contract/api.ts';
import type { DeviceClass } from '../../../contract/vocabulary.ts';
import { currentProject, withProject } from './project-param.ts';

export class ApiError extends Error {
  /** The server's machine-readable code, or `network` / `http_<status>` / `bad_response` when it sent none. */
  readonly code: string;
  /** HTTP status, 0 when no answer arrived. */
  readonly status: number;

  constructor(code: string, message: string, status: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

/** Filters of `GET /api/sessions`; times are ms since epoch. */
export interface SessionQuery {
  from?: number;
  to?: number;
  url?: string;
  minDurationMs?: number;
  userId?: string;
  device?: DeviceClass;
  limit?: number;
  offset?: number;
}

export interface EventPageQuery {
  window?: string;
  cursor?: string;
  limit?: number;
}

export interface ApiClientOptions {
  /** Prefix put before `/api/…`, for a server mounted under a sub-path. Defaults to '' (same origin). */
  baseUrl?: string;
  /** The fetch implementation to call. Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface ApiClient {
  listSessions(query: SessionQuery, signal?: AbortSignal): Promise<SessionList>;
  getSession(id: string, signal?: AbortSignal): Promise<SessionDetail>;
  getEvents(id: string, query: EventPageQuery, signal?: AbortSignal): Promise<EventPage>;
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/** `?a=1&b=x`, leaving out undefined and empty values so the server applies its own defaults. */
export function toQueryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** What a request may add to a plain GET: a method and a JSON body, and an abort signal. */
export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

/** Called when any request answers 401 login_required: the sign-in expired or was never made. */
let loginRequiredListener: (() => void) | undefined;

/** Registers the one listener for `login_required` answers (the app shell, which then shows the sign-in page). */
export function onLoginRequired(listener: () => void): void {
  loginRequiredListener = listener;
}

/**
 * One request to the API, for the project chosen in the page URL; every failure comes out as an ApiError.
 * Resolves to undefined for a 204.
 */
async function requestJson<T>(
  doFetch: typeof fetch,
  path: string,
  { method = 'GET', body, signal }: RequestOptions = {},
): Promise<T> {
  const url = withProject(path, currentProject());
  let response: Response;
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    response = await doFetch(url, { method, headers, body: payload, signal });
  } catch (error) {
    // An abort is the caller's own doing, not a failure to show.
    if (signal?.aborted) throw error;
    throw new ApiError('network', 'Could not reach the Sightline server. Is it running?', 0);
  }
  if (response.status === 204) return undefined as T;
  let answer: unknown;
  try {
    answer = await response.json();
  } catch {
    if (signal?.aborted) throw signal.reason;
    const code = response.ok ? 'bad_response' : `http_${response.status}`;
    throw new ApiError(code, `The server answered ${response.status} ${response.statusText} without JSON.`, response.status);
  }
  if (!response.ok) {
    if (isErrorBody(answer)) {
      // Every page's requests pass here, so one hook sends the whole viewer to its sign-in page.
      if (response.status === 401 && answer.error.code === 'login_required') loginRequiredListener?.();
      throw new ApiError(answer.error.code || `http_${response.status}`, answer.error.message, response.status);
    }
    throw new ApiError(`http_${response.status}`, `The server answered ${response.status} ${response.statusText}.`, response.status);
  }
  return answer as T;
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const getJson = <T>(path: string, signal?: AbortSignal) => requestJson<T>(doFetch, `${baseUrl}${path}`, { signal });

  return {
    listSessions: (query, signal) => getJson<SessionList>(`/api/sessions${toQueryString(query)}`, signal),
    getSession: (id, signal) => getJson<SessionDetail>(`/api/sessions/${encodeURIComponent(id)}`, signal),
    getEvents: (id, query, signal) =>
      getJson<EventPage>(`/api/sessions/${encodeURIComponent(id)}/events${toQueryString(query)}`, signal),
  };
}

/**
 * A request to the same-origin API, for the pages' own small clients (heatmaps, funnels, forms, metrics):
 * `apiRequest<FunnelResult>('/api/funnels/query', { method: 'POST', body })`.
 */
export function apiRequest<T>(path: string, options?: RequestOptions): Promise<T> {
  return requestJson<T>((input, init) => globalThis.fetch(input, init), path, options);
}

/** The client the pages use: same origin as the viewer. */
export const api = createApiClient();
