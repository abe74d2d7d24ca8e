import { describe, expect, test, vi } from 'vitest';
import type { NetworkPayload } from '../../../contract/protocol.ts';
import type { ResolvedNetworkOptions } from '../../../recorder/capture-options.ts';
import { bodySize, captureNetwork, compilePatterns } from '../../../recorder/network-capture.ts';
import { scrubPII } from '../../../recorder/pii.ts';
import { createRateLimit } from '../../../recorder/rate-limit.ts';

const none: ResolvedNetworkOptions = { allowQuery: [], allowHeaders: [], allowBodies: [] };

/** A window with a fetch that answers `answer` (or rejects with it), and no XMLHttpRequest (Node has none). */
function setup(options: Partial<ResolvedNetworkOptions> = {}, answer: () => Promise<Response> = async () => new Response('ok')) {
  const emitted: NetworkPayload[] = [];
  const pageFetch = vi.fn((_input: RequestInfo | URL, _init?: RequestInit) => answer());
  const win = { location: new URL('https://shop.example/cart'), fetch: pageFetch } as unknown as Window;
  let now = 1_000;
  let active = true;
  const stop = captureNetwork({
    win,
    options: { ...none, ...options },
    ownUrls: ['https://sightline.example/api/ingest'],
    active: () => active,
    limit: createRateLimit(100, 100),
    now: () => (now += 25),
    mask: scrubPII,
    emit: (payload) => emitted.push(payload),
    report: (error) => {
      throw error;
    },
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { win, emitted, pageFetch, stop, settle, pause: () => (active = false) };
}

describe('recorder | network capture of fetch', () => {
  test('records method, URL without query or fragment, status, duration and sizes', async () => {
    const { win, emitted, settle } = setup({}, async () => new Response('{"ok":true}', { status: 201, headers: { 'Content-Length': '11' } }));
    await win.fetch('/api/cart?email=jane@example.test#top', { method: 'post', body: 'qty=2' });
    await settle();
    expect(emitted).toEqual([{
      kind: 'fetch', method: 'POST', url: 'https://shop.example/api/cart', status: 201, durationMs: 25, requestBytes: 5, responseBytes: 11,
    }]);
  });

  test('a user name and password in the URL never travel; a URL that does not parse is not recorded', async () => {
    const { win, emitted, settle } = setup();
    await win.fetch('https://admin:hunter2@api.example/report');
    await win.fetch('http://[not a host/x');
    await settle();
    expect(emitted.map((payload) => payload.url)).toEqual(['https://api.example/report']);
  });

  test('the page gets the very promise fetch returned, and its rejection stays its own', async () => {
    const failure = new TypeError('Failed to fetch');
    const { win, emitted, pageFetch, settle } = setup({}, () => Promise.reject(failure));
    const returned = win.fetch('https://api.example/x');
    expect(returned).toBe(pageFetch.mock.results[0]!.value);
    await expect(returned).rejects.toBe(failure);
    await settle();
    expect(emitted[0]).toMatchObject({ url: 'https://api.example/x', status: 0, failure: 'error' });
  });

  test.each([
    ['AbortError', 'abort'],
    ['TimeoutError', 'timeout'],
    ['TypeError', 'error'],
  ])('a rejection named %s is a failure of kind %s', async (name, failure) => {
    const { win, emitted, settle } = setup({}, () => Promise.reject(Object.assign(new Error('x'), { name })));
    await win.fetch('/x').catch(() => {});
    await settle();
    expect(emitted[0]!.failure).toBe(failure);
  });

  test("the recorder's own endpoint is never recorded, nor anything while the session is not recorded", async () => {
    const { win, emitted, settle, pause } = setup();
    await win.fetch('https://sightline.example/api/ingest?x=1', { method: 'POST', body: '{}' });
    pause();
    await win.fetch('/elsewhere');
    await settle();
    expect(emitted).toEqual([]);
  });

  test('an allow-listed query is kept with its values decoded and masked; others are dropped', async () => {
    const { win, emitted, settle } = setup({ allowQuery: ['/search*'] });
    await win.fetch('/search?q=lamp&mail=jane%40example.test&card=4111%201111%201111%201111');
    await win.fetch('/cart?q=lamp');
    await settle();
    expect(emitted.map((payload) => payload.url)).toEqual([
      'https://shop.example/search?q=lamp&mail=*****************&card=**** **** **** ****',
      'https://shop.example/cart',
    ]);
  });

  test('allow-listed headers and bodies are kept, masked, without credentials', async () => {
    const answer = async () => new Response('{"to":"jane@example.test"}', {
      headers: { 'Content-Type': 'application/json', 'Set-Cookie': 'sid=1', 'X-Request-Id': 'r-7' },
    });
    const { win, emitted, settle } = setup({ allowHeaders: ['https://shop.example/api/*'], allowBodies: [/\/api\/mail$/] }, answer);
    await win.fetch('/api/mail', {
      method: 'POST',
      headers: { Authorization: 'Bearer secret', Cookie: 'sid=1', 'X-Step': 'mail jane@example.test' },
      body: JSON.stringify({ card: '4111 1111 1111 1111' }),
    });
    await settle();
    const [payload] = emitted;
    expect(payload!.requestHeaders).toEqual({ 'x-step': 'mail *****************' });
    expect(payload!.responseHeaders).toEqual({ 'content-type': 'application/json', 'x-request-id': 'r-7' });
    expect(payload!.requestBody).toBe('{"card":"**** **** **** ****"}');
    expect(payload!.responseBody).toBe('{"to":"*****************"}');
    expect(payload!.responseBytes).toBe(26);
  });

  test('stop() restores fetch unless another script wrapped it since', () => {
    const first = setup();
    const wrapped = first.win.fetch;
    first.stop();
    expect(first.win.fetch).toBe(first.pageFetch);
    const second = setup();
    const theirs = () => Promise.resolve(new Response());
    second.win.fetch = theirs as typeof fetch;
    second.stop();
    expect(second.win.fetch).toBe(theirs);
    expect(wrapped).not.toBe(first.pageFetch);
  });
});

describe('recorder | URL patterns and body sizes', () => {
  test.each([
    ['https://api.example/search*', 'https://api.example/search/items', true],
    ['https://api.example/search*', 'https://api.example/cart', false],
    ['/api/*', 'https://shop.example/api/cart', true],
    ['/api/*', 'https://other.example/api/cart', false],
    ['https://api.example/a.b', 'https://api.example/aXb', false],
  ])('%s matches %s: %s', (pattern, url, expected) => {
    expect(compilePatterns([pattern], 'https://shop.example')[0]!.test(url)).toBe(expected);
  });

  test.each<[string, unknown, number | null]>([
    ['no body', undefined, 0],
    ['a string, in UTF-8 bytes', 'é', 2],
    ['form parameters', new URLSearchParams({ a: 'b c' }), 5],
    ['a Blob', new Blob(['abc']), 3],
    ['an ArrayBuffer', new ArrayBuffer(8), 8],
    ['a typed array', new Uint8Array(4), 4],
    ['a FormData, which the browser encodes itself', new FormData(), null],
  ])('body size of %s', (_name, body, expected) => {
    expect(bodySize(body)).toBe(expected);
  });
});
