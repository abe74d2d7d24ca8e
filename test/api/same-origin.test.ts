/**
 * The same-origin guard against cross-site request forgery. A page on another origin of the same site (another port
 * of the host, a sibling subdomain) gets the SameSite=Strict cookie sent with its form posts; every state-changing
 * route the app registers must refuse such a request with 403 `cross_origin_request`, and answer the same request
 * from the viewer's own origin. The routes come from the app's router, so one added later is covered or fails here.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Config } from '../../server/config.ts';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../../support/server.ts';
import { callFor, callUrl, stateChangingRoutes, type CallContext, type ProtectedCall } from './route-table.ts';
import { visit } from './shop-events.ts';
import { ingest, makeBatch, newId } from './support.ts';

interface RawAnswer {
  status: number;
  code: string | undefined;
  setCookie: string[];
}

/** Sends a request with exactly these headers (Host included, which fetch would not let us choose). */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers: body === undefined ? headers : { ...headers, 'Content-Length': Buffer.byteLength(body) } });
    outgoing.on('error', reject);
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let code: string | undefined;
        try {
          code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
        } catch {
          code = undefined;
        }
        resolve({ status: incoming.statusCode ?? 0, code, setCookie: incoming.headers['set-cookie'] ?? [] });
      });
    });
    outgoing.end(body);
  });
}

/** Where the viewer is open and where the forged request comes from; `from` is the headers a browser would send. */
interface Site {
  name: string;
  /** The Host header the browser sends to Sightline. */
  host: (port: number) => string;
  viewer: (port: number) => Record<string, string>;
  forgeries: Array<{ name: string; headers: (port: number) => Record<string, string> }>;
}

const sites: Site[] = [
  {
    name: 'another port of the same host',
    host: (port) => `127.0.0.1:${port}`,
    viewer: (port) => ({ Origin: `http://127.0.0.1:${port}`, 'Sec-Fetch-Site': 'same-origin' }),
    forgeries: [
      { name: 'Origin of another port', headers: (port) => ({ Origin: `http://127.0.0.1:${port + 1}`, 'Sec-Fetch-Site': 'same-site' }) },
      { name: 'https on the same host and port', headers: (port) => ({ Origin: `https://127.0.0.1:${port}` }) },
      { name: 'Origin: null (a sandboxed frame)', headers: () => ({ Origin: 'null', 'Sec-Fetch-Site': 'cross-site' }) },
      { name: 'no Origin, Sec-Fetch-Site: same-site', headers: () => ({ 'Sec-Fetch-Site': 'same-site' }) },
      { name: 'no Origin, Sec-Fetch-Site: cross-site', headers: () => ({ 'Sec-Fetch-Site': 'cross-site' }) },
      { name: 'no Origin, Sec-Fetch-Site: none', headers: () => ({ 'Sec-Fetch-Site': 'none' }) },
      { name: 'neither header', headers: () => ({}) },
    ],
  },
  {
    name: 'a sibling subdomain',
    host: (port) => `sightline.example.test:${port}`,
    viewer: (port) => ({ Origin: `http://SIGHTLINE.example.test:${port}` }),
    forgeries: [
      { name: 'Origin of shop.example.test', headers: (port) => ({ Origin: `http://shop.example.test:${port}`, 'Sec-Fetch-Site': 'same-site' }) },
      { name: 'Origin of the parent domain', headers: (port) => ({ Origin: `http://example.test:${port}` }) },
      { name: 'Origin with our name as a prefix', headers: (port) => ({ Origin: `http://sightline.example.test.evil.test:${port}` }) },
      { name: 'a malformed Origin', headers: () => ({ Origin: 'sightline.example.test' }) },
    ],
  },
];

/** Every state-changing route the app registers, walked from its router. */
const guarded = stateChangingRoutes();

/** A form post: what a page can send without CORS. JSON routes then fail validation, so only the guard answers 403. */
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

let server: TestServer;
let port: number;
let cookie: string;
let context: CallContext;

async function start(overrides: Partial<Config> = {}): Promise<void> {
  server = await startTestServer(overrides);
  port = Number(new URL(server.url).port);
  const sessionId = newId();
  const shopper = visit(Date.now() - 60_000);
  await ingest(server.url, makeBatch([...shopper.load(0, '/'), shopper.click(500, '#buy')], { sessionId }));
  context = { project: 'demo', sessionId };
  const login = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: TEST_ADMIN_TOKEN }),
  });
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;
}

/** The table's call, sent raw; JSON body unless `form`. */
function callRaw(call: ProtectedCall, headers: Record<string, string>, form = false): Promise<RawAnswer> {
  const json = call.body !== undefined && !form;
  const body = form ? 'token=x&origins=https%3A%2F%2Fevil.example' : json ? JSON.stringify(call.body) : undefined;
  return send(callUrl(server, call, context), call.method, { ...(form ? FORM : json ? { 'Content-Type': 'application/json' } : {}), ...headers }, body);
}

function tableCall(route: string): ProtectedCall {
  const call = callFor(route);
  expect(call, `${route} is missing from test/api/route-table.ts`).toBeDefined();
  return call!;
}

describe('same-origin guard | sign-in cookie', () => {
  beforeAll(() => start());
  afterAll(() => server?.close());

  test('the app has state-changing routes to guard, and each is in the route table', () => {
    expect(guarded.length).toBeGreaterThanOrEqual(15);
    for (const route of guarded) tableCall(route);
  });

  describe.each(sites)('from $name', (site) => {
    test.each(guarded)('%s: refused with 403 cross_origin_request, answered from the viewer', async (route) => {
      const call = tableCall(route);
      const host = { Host: site.host(port), Cookie: cookie };
      for (const forgery of site.forgeries) {
        const headers = { ...host, ...forgery.headers(port) };
        const answers = [await callRaw(call, headers)];
        if (call.method === 'POST') answers.push(await callRaw(call, headers, true));
        for (const answer of answers) expect({ forgery: forgery.name, ...answer }).toMatchObject({ status: 403, code: 'cross_origin_request' });
      }
      const fromViewer = await callRaw(call, { ...host, ...site.viewer(port) });
      expect(fromViewer.status, JSON.stringify(fromViewer)).toBe(call.passedStatus);
    });
  });

  test('a refused rotation changes nothing: the viewer token and the server key stay', async () => {
    const token = await fetch(`${server.url}/api/projects/demo/viewer-token`, { method: 'POST', headers: { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const { viewerToken } = (await token.json()) as { viewerToken: string };
    const serverKeyHash = () => server.db.prepare("SELECT server_key_hash FROM projects WHERE key = 'demo'").pluck().get();
    const keyBefore = serverKeyHash();
    const forged = { Host: `127.0.0.1:${port}`, Cookie: cookie, Origin: `http://127.0.0.1:${port + 1}` };
    expect((await send(`${server.url}/api/projects/demo/viewer-token`, 'POST', forged)).status).toBe(403);
    expect((await send(`${server.url}/api/projects/demo/server-key`, 'POST', forged)).status).toBe(403);
    expect((await fetch(`${server.url}/api/me`, { headers: { Authorization: `Bearer ${viewerToken}` } })).status).toBe(200);
    expect(serverKeyHash()).toBe(keyBefore);
  });

  test.each(guarded)('%s: a Bearer token is not affected by the Origin', async (route) => {
    const call = tableCall(route);
    const answer = await callRaw(call, { Authorization: `Bearer ${TEST_ADMIN_TOKEN}`, Origin: 'http://shop.example.test', 'Sec-Fetch-Site': 'cross-site' });
    expect(answer.status, JSON.stringify(answer)).toBe(call.passedStatus);
  });

  test('reads are not affected: a GET from another origin with the cookie answers', async () => {
    const answer = await send(`${server.url}/api/me`, 'GET', { Cookie: cookie, Origin: 'http://shop.example.test', 'Sec-Fetch-Site': 'cross-site' });
    expect(answer.status).toBe(200);
  });
});

describe('same-origin guard | signing in and out', () => {
  beforeAll(() => start());
  afterAll(() => server?.close());

  const login = (headers: Record<string, string>) =>
    send(`${server.url}/api/login`, 'POST', { 'Content-Type': 'application/json', ...headers }, JSON.stringify({ token: TEST_ADMIN_TOKEN }));

  test('POST /api/login from another origin is refused and sets no cookie (login CSRF)', async () => {
    const forgeries: Array<Record<string, string>> = [
      { Origin: `http://127.0.0.1:${port + 1}` },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'same-site' },
      { 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of forgeries) {
      const answer = await login(headers);
      expect({ headers, ...answer }).toMatchObject({ status: 403, code: 'cross_origin_request', setCookie: [] });
    }
  });

  test('POST /api/login from the viewer, or from a script that names no origin, signs in', async () => {
    const fromViewerOrScript: Array<Record<string, string>> = [{ Origin: server.url }, { 'Sec-Fetch-Site': 'same-origin' }, {}];
    for (const headers of fromViewerOrScript) {
      const answer = await login(headers);
      expect(answer.status).toBe(200);
      expect(answer.setCookie[0]).toMatch(/^sl_session=/);
    }
  });

  test('POST /api/logout from another origin is refused and the sign-in stays', async () => {
    const forged = await send(`${server.url}/api/logout`, 'POST', { Cookie: cookie, Origin: 'http://shop.example.test' });
    expect(forged).toMatchObject({ status: 403, code: 'cross_origin_request' });
    expect((await send(`${server.url}/api/me`, 'GET', { Cookie: cookie })).status).toBe(200);
    expect((await send(`${server.url}/api/logout`, 'POST', { Cookie: cookie, Origin: server.url })).status).toBe(204);
  });

  test('public ingest is not affected: a store page posts from its own origin', async () => {
    const batch = makeBatch(visit(Date.now()).load(0, '/'));
    const answer = await send(`${server.url}/api/ingest`, 'POST', { 'Content-Type': 'text/plain', Origin: 'https://shop.example' }, JSON.stringify(batch));
    expect(answer.status).toBe(200);
  });
});

describe('same-origin guard | behind a reverse proxy', () => {
  afterAll(() => server?.close());
  const retention = (headers: Record<string, string>) =>
    send(`${server.url}/api/settings/retention`, 'PUT', { 'Content-Type': 'application/json', Cookie: cookie, ...headers }, '{"days":30}');

  test('SIGHTLINE_PUBLIC_URL names the viewer when the proxy rewrites Host', async () => {
    await start({ publicUrl: 'https://sightline.example.test' });
    // The proxy talks to us as 127.0.0.1:<port>; the browser was at https://sightline.example.test.
    expect((await retention({ Origin: 'https://sightline.example.test' })).status).toBe(200);
    expect(await retention({ Origin: 'https://shop.example.test' })).toMatchObject({ status: 403, code: 'cross_origin_request' });
    expect(await retention({ Origin: 'http://sightline.example.test' })).toMatchObject({ status: 403, code: 'cross_origin_request' });
    await server.close();
  });

  test('with SIGHTLINE_TRUST_PROXY, X-Forwarded-Proto gives the scheme a proxy terminating TLS saw', async () => {
    const viewer = { Host: 'sightline.example.test', Origin: 'https://sightline.example.test', 'X-Forwarded-Proto': 'https' };
    await start({ trustProxy: false });
    expect(await retention(viewer)).toMatchObject({ status: 403, code: 'cross_origin_request' });
    await server.close();
    await start({ trustProxy: true });
    expect((await retention(viewer)).status).toBe(200);
    expect(await retention({ ...viewer, 'X-Forwarded-Proto': 'http' })).toMatchObject({ status: 403, code: 'cross_origin_request' });
  });
});

describe('same-origin guard | login turned off', () => {
  beforeAll(() => start({ requireLogin: false }));
  afterAll(() => server?.close());

  test.each(guarded)('%s: refused from another origin, answered to a script that names none', async (route) => {
    const call = tableCall(route);
    const forged = await callRaw(call, { Origin: `http://127.0.0.1:${port + 1}`, 'Sec-Fetch-Site': 'same-site' });
    expect(forged).toMatchObject({ status: 403, code: 'cross_origin_request' });
    const script = await callRaw(call, {});
    expect(script.status, JSON.stringify(script)).toBe(call.passedStatus);
  });
});
