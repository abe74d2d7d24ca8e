/**
 * Typed client for Sightline's read API. Every failure, whether the server's `{ error: { code, message } }`,
 * a proxy's HTML error page or an unreachable server, comes out as one thrown `ApiError`, so pages show a
 * single kind of error.
 */
import type {
  ApiError as ApiErrorBody,
  DeviceClass,
  EventPage,
  SessionDetail,
  SessionList,
} from '../../../server/api/types.ts';

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

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, { headers: { accept: 'application/json' }, signal });
    } catch (error) {
      // An abort is the caller's own doing, not a failure to show.
      if (signal?.aborted) throw error;
      throw new ApiError('network', 'Could not reach the Sightline server. Is it running?', 0);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      if (signal?.aborted) throw signal.reason;
      const code = response.ok ? 'bad_response' : `http_${response.status}`;
      throw new ApiError(code, `The server answered ${response.status} ${response.statusText} without JSON.`, response.status);
    }
    if (!response.ok) {
      if (isErrorBody(body)) {
        throw new ApiError(body.error.code || `http_${response.status}`, body.error.message, response.status);
      }
      throw new ApiError(`http_${response.status}`, `The server answered ${response.status} ${response.statusText}.`, response.status);
    }
    return body as T;
  }

  return {
    listSessions: (query, signal) => getJson<SessionList>(`/api/sessions${toQueryString(query)}`, signal),
    getSession: (id, signal) => getJson<SessionDetail>(`/api/sessions/${encodeURIComponent(id)}`, signal),
    getEvents: (id, query, signal) =>
      getJson<EventPage>(`/api/sessions/${encodeURIComponent(id)}/events${toQueryString(query)}`, signal),
  };
}

/** The client the pages use: same origin as the viewer. */
export const api = createApiClient();
