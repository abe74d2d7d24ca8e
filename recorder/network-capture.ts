import type { NetworkFailure, NetworkPayload } from '../contract/protocol.ts';
import type { ResolvedNetworkOptions, UrlPattern } from './capture-options.ts';
import { MAX_NETWORK_BODY_CHARS, MAX_NETWORK_HEADER_CHARS, MAX_NETWORK_READ_BYTES } from './constants.ts';
import type { Reporter } from './errors.ts';
import type { RateLimit } from './rate-limit.ts';

/**
 * Part of the developer capture (`captureNetwork`): the page's fetch and XMLHttpRequest calls as sl:network events.
 * Method, URL without query, status, duration, sizes and failures always; query strings, headers and bodies only for
 * URLs the store allow-listed, and then masked like page text, never credentials. The wrappers hand the page's call
 * to the browser unchanged and return its own promise; requests to the recorder's endpoint are never recorded.
 */

export interface NetworkCaptureDeps {
  win: Window;
  options: ResolvedNetworkOptions;
  /** URLs starting with one of these are Sightline's own (the ingest endpoint). */
  ownUrls: readonly string[];
  active: () => boolean;
  limit: RateLimit;
  now: () => number;
  /** Masks text like page text (pii.ts), for the allow-listed query strings, headers and bodies. */
  mask: (text: string) => string;
  emit: (payload: NetworkPayload, time: number) => void;
  report: Reporter;
}

/** Never recorded, whatever the allow-list says: credentials. */
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-csrf-token|x-xsrf-token)$/i;
/** Bodies read only in these types: text a person can read, never images or downloads. */
const TEXT_TYPES = /json|text|xml|x-www-form-urlencoded|graphql/i;

const escapeRegExp = (text: string): string => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** Patterns as RegExps: `*` matches anything, a leading `/` names a path on the page's origin. */
export function compilePatterns(patterns: readonly UrlPattern[], origin: string): RegExp[] {
  return patterns.map((pattern) =>
    typeof pattern === 'string'
      ? new RegExp(`^${escapeRegExp(pattern.startsWith('/') ? origin + pattern : pattern).replace(/\*/g, '.*')}$`)
      : pattern);
}

function matches(patterns: readonly RegExp[], url: string): boolean {
  return patterns.some((pattern) => {
    pattern.lastIndex = 0; // a global RegExp keeps its position between tests
    return pattern.test(url);
  });
}

/** Byte size of a request body the browser will send; null when it cannot be told (a form, a stream). */
export function bodySize(body: unknown): number | null {
  if (body === undefined || body === null) return 0;
  if (typeof body === 'string') return new TextEncoder().encode(body).length;
  if (body instanceof URLSearchParams) return new TextEncoder().encode(body.toString()).length;
  if (typeof Blob === 'function' && body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  return null;
}

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * Percent-escapes spelled out, so masking sees `a@b.c` in `a%40b.c` and a card number in `4111%201111…`; text that
 * is not valid escaping (a JSON body with a lone %) stays as it is.
 */
function readable(text: string): string {
  if (!/%[0-9a-f]{2}/i.test(text)) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function failureOf(error: unknown): NetworkFailure {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' ? 'abort' : name === 'TimeoutError' ? 'timeout' : 'error';
}

interface Pending {
  kind: NetworkPayload['kind'];
  method: string;
  url: string;
  bareUrl: string;
  start: number;
  requestBytes: number | null;
  requestHeaders?: Record<string, string>;
  requestBody?: string;
}

export function captureNetwork(deps: NetworkCaptureDeps): () => void {
  const { win, options, mask, report } = deps;
  const origin = win.location.origin;
  const allowQuery = compilePatterns(options.allowQuery, origin);
  const allowHeaders = compilePatterns(options.allowHeaders, origin);
  const allowBodies = compilePatterns(options.allowBodies, origin);
  const restores: Array<() => void> = [];

  function headersOf(entries: Iterable<[string, string]>): Record<string, string> {
    const kept: Record<string, string> = {};
    for (const [name, value] of entries) {
      if (!SECRET_HEADERS.test(name)) kept[name.toLowerCase()] = mask(cut(readable(String(value)), MAX_NETWORK_HEADER_CHARS));
    }
    return kept;
  }

  const bodyText = (text: string): string => mask(cut(readable(text), MAX_NETWORK_BODY_CHARS));
  /** An allow-listed query string, each value decoded and masked: `?email=****&sku=7`. */
  const queryText = (query: string): string =>
    `?${[...new URLSearchParams(query)].map(([key, value]) => `${mask(key)}=${mask(value)}`).join('&')}`;

  /** The request as recorded, or undefined for Sightline's own requests and while nothing is recorded. */
  function begin(kind: Pending['kind'], method: string, rawUrl: string, body: unknown, headers: () => Iterable<[string, string]>): Pending | undefined {
    if (!deps.active()) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(rawUrl, win.location.href);
    } catch {
      return undefined; // the page's own call fails on it; nothing to record
    }
    // Credentials in the URL itself (https://user:secret@host/) never travel.
    parsed.username = '';
    parsed.password = '';
    parsed.hash = '';
    const query = parsed.search;
    parsed.search = '';
    const bareUrl = parsed.href;
    if (deps.ownUrls.some((own) => bareUrl.startsWith(own))) return undefined;
    const pending: Pending = {
      kind,
      method: method.toUpperCase(),
      url: query && matches(allowQuery, bareUrl) ? bareUrl + queryText(query) : bareUrl,
      bareUrl,
      start: deps.now(),
      requestBytes: bodySize(body),
    };
    if (matches(allowHeaders, bareUrl)) pending.requestHeaders = headersOf(headers());
    if (matches(allowBodies, bareUrl)) {
      const text = typeof body === 'string' ? body : body instanceof URLSearchParams ? body.toString() : undefined;
      if (text !== undefined) pending.requestBody = bodyText(text);
    }
    return pending;
  }

  function finish(pending: Pending, answer: Partial<NetworkPayload>): void {
    const end = deps.now();
    if (!deps.limit.take(end)) return;
    const { kind, method, url, start, requestBytes, requestHeaders, requestBody } = pending;
    const payload: NetworkPayload = {
      kind, method, url, status: 0, durationMs: Math.max(0, end - start), requestBytes, responseBytes: null,
      ...(requestHeaders ? { requestHeaders } : {}),
      ...(requestBody !== undefined ? { requestBody } : {}),
      ...answer,
    };
    const dropped = deps.limit.takeDropped();
    if (dropped > 0) payload.dropped = dropped;
    deps.emit(payload, end);
  }

  const lengthOf = (header: string | null): number | null =>
    header !== null && header.trim() !== '' && Number.isFinite(Number(header)) ? Number(header) : null;

  // ---- fetch ----
  const originalFetch = win.fetch;
  if (typeof originalFetch === 'function') {
    const wrapper = function (this: unknown, ...args: Parameters<typeof fetch>): Promise<Response> {
      let pending: Pending | undefined;
      try {
        const [input, init] = args;
        const request = input instanceof Request ? input : undefined;
        // A Request's own body is a stream, whose size bodySize cannot tell.
        const body = init?.body !== undefined ? init.body : request?.body ?? null;
        pending = begin('fetch', init?.method ?? request?.method ?? 'GET', request ? request.url : String(input), body,
          () => new Headers(init?.headers ?? request?.headers).entries());
      } catch (error) {
        report(error);
      }
      const promise = originalFetch.apply(this, args);
      if (pending) {
        const started = pending;
        promise.then(
          (response) => void answerFetch(started, response).catch(report),
          (error: unknown) => finish(started, { failure: failureOf(error) }),
        );
      }
      return promise;
    };
    win.fetch = wrapper;
    restores.push(() => {
      if (win.fetch === wrapper) win.fetch = originalFetch;
    });
  }

  async function answerFetch(pending: Pending, response: Response): Promise<void> {
    const answer: Partial<NetworkPayload> = { status: response.status, responseBytes: lengthOf(response.headers.get('content-length')) };
    if (matches(allowHeaders, pending.bareUrl)) answer.responseHeaders = headersOf(response.headers.entries());
    const type = response.headers.get('content-type') || '';
    const small = (answer.responseBytes ?? 0) <= MAX_NETWORK_READ_BYTES;
    if (matches(allowBodies, pending.bareUrl) && TEXT_TYPES.test(type) && small) {
      try {
        const text = await response.clone().text();
        answer.responseBody = bodyText(text);
        answer.responseBytes ??= new TextEncoder().encode(text).length;
      } catch {
        // The page cancelled the body, or it failed midway: the request is recorded without it.
      }
    }
    finish(pending, answer);
  }

  // ---- XMLHttpRequest ----
  const XHR = (win as Window & typeof globalThis).XMLHttpRequest;
  if (typeof XHR === 'function') {
    const proto = XHR.prototype;
    const originals = { open: proto.open, send: proto.send, setRequestHeader: proto.setRequestHeader };
    const { open, send, setRequestHeader } = originals;
    const requests = new WeakMap<XMLHttpRequest, { method: string; url: string; headers: Array<[string, string]> }>();
    proto.open = function (this: XMLHttpRequest, ...args: unknown[]) {
      try {
        requests.set(this, { method: String(args[0]), url: String(args[1]), headers: [] });
      } catch (error) {
        report(error);
      }
      return (open as (...a: unknown[]) => void).apply(this, args);
    } as typeof proto.open;
    proto.setRequestHeader = function (this: XMLHttpRequest, name: string, value: string) {
      requests.get(this)?.headers.push([String(name), String(value)]);
      return setRequestHeader.call(this, name, value);
    };
    proto.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
      try {
        const opened = requests.get(this);
        const pending = opened && begin('xhr', opened.method, opened.url, body, () => opened.headers);
        if (pending) watchXhr(this, pending);
      } catch (error) {
        report(error);
      }
      return send.call(this, body);
    };
    const wrappers = { open: proto.open, send: proto.send, setRequestHeader: proto.setRequestHeader };
    // Only our own wrappers are undone: another script may have wrapped them since.
    restores.push(() => {
      for (const name of ['open', 'send', 'setRequestHeader'] as const) {
        if (proto[name] === wrappers[name]) (proto as unknown as Record<string, unknown>)[name] = originals[name];
      }
    });
  }

  function watchXhr(xhr: XMLHttpRequest, pending: Pending): void {
    let failure: NetworkFailure = 'error';
    xhr.addEventListener('abort', () => (failure = 'abort'));
    xhr.addEventListener('timeout', () => (failure = 'timeout'));
    xhr.addEventListener('loadend', () => {
      try {
        const answer: Partial<NetworkPayload> = { status: xhr.status };
        if (xhr.status === 0) answer.failure = failure;
        answer.responseBytes = lengthOf(xhr.getResponseHeader('content-length'));
        const isText = xhr.responseType === '' || xhr.responseType === 'text';
        if (answer.responseBytes === null && isText) answer.responseBytes = new TextEncoder().encode(xhr.responseText).length;
        if (xhr.status !== 0 && matches(allowHeaders, pending.bareUrl)) {
          const lines = xhr.getAllResponseHeaders().trim().split(/[\r\n]+/).filter(Boolean);
          answer.responseHeaders = headersOf(lines.map((line): [string, string] => {
            const colon = line.indexOf(':');
            return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
          }));
        }
        const type = xhr.getResponseHeader('content-type') || '';
        if (isText && matches(allowBodies, pending.bareUrl) && TEXT_TYPES.test(type)) answer.responseBody = bodyText(xhr.responseText);
        finish(pending, answer);
      } catch (error) {
        report(error);
      }
    });
  }

  return () => restores.splice(0).forEach((restore) => restore());
}
