import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MeResponse } from '../../server/api/auth.ts';
import type { AllowedOriginsResponse, ProjectList } from '../../server/api/projects.ts';
import { createApp } from '../../server/app.ts';
import { adminHeaders, startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../helpers/server.ts';
import { visit } from './shop-events.ts';
import { expectApiError, ingest, makeBatch, newId, postBatch } from './support.ts';

/** One call to a protected route, and what it answers once signed in: proof the request reached the handler. */
interface ProtectedCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route as registered, to check this list against the app's own. */
  route: string;
  path: () => string;
  body?: unknown;
  signedInStatus: number;
}

let server: TestServer;
const sessionId = newId();
const windowId = newId();
const start = Date.UTC(2026, 0, 5, 10);

/** Every /api route of the app but the public ones; the test below fails when a route is added and not listed. */
const protectedCalls: ProtectedCall[] = [
  { method: 'GET', route: '/api/me', path: () => '/api/me', signedInStatus: 200 },
  { method: 'GET', route: '/api/sessions', path: () => '/api/sessions', signedInStatus: 200 },
  { method: 'GET', route: '/api/sessions/:id', path: () => `/api/sessions/${sessionId}`, signedInStatus: 200 },
  { method: 'GET', route: '/api/sessions/:id/events', path: () => `/api/sessions/${sessionId}/events`, signedInStatus: 200 },
  { method: 'GET', route: '/api/sessions/:id/export', path: () => `/api/sessions/${sessionId}/export`, signedInStatus: 200 },
  // Unknown ids: the 404 comes from the handler, and the seeded session stays for the other calls.
  { method: 'DELETE', route: '/api/sessions/:id', path: () => `/api/sessions/${newId()}`, signedInStatus: 404 },
  { method: 'DELETE', route: '/api/users/:userId', path: () => '/api/users/nobody', signedInStatus: 200 },
  { method: 'GET', route: '/api/heatmaps', path: () => '/api/heatmaps?page=/', signedInStatus: 200 },
  { method: 'GET', route: '/api/heatmaps/pages', path: () => '/api/heatmaps/pages', signedInStatus: 200 },
  { method: 'GET', route: '/api/heatmaps/snapshot', path: () => '/api/heatmaps/snapshot?page=/', signedInStatus: 200 },
  { method: 'GET', route: '/api/scrollmap', path: () => '/api/scrollmap?page=/', signedInStatus: 200 },
  { method: 'GET', route: '/api/forms', path: () => '/api/forms', signedInStatus: 200 },
  { method: 'GET', route: '/api/metrics', path: () => '/api/metrics', signedInStatus: 200 },
  { method: 'GET', route: '/api/funnels', path: () => '/api/funnels', signedInStatus: 200 },
  {
    method: 'POST',
    route: '/api/funnels/query',
    path: () => '/api/funnels/query',
    body: { steps: [{ type: 'page', pattern: '/' }] },
    signedInStatus: 200,
  },
  {
    method: 'POST',
    route: '/api/funnels',
    path: () => '/api/funnels',
    body: { name: 'Home', steps: [{ type: 'page', pattern: '/' }] },
    signedInStatus: 201,
  },
  { method: 'DELETE', route: '/api/funnels/:id', path: () => '/api/funnels/999999', signedInStatus: 404 },
  { method: 'GET', route: '/api/settings/page-patterns', path: () => '/api/settings/page-patterns', signedInStatus: 200 },
  {
    method: 'PUT',
    route: '/api/settings/page-patterns',
    path: () => '/api/settings/page-patterns',
    body: { patterns: [] },
    signedInStatus: 200,
  },
  { method: 'GET', route: '/api/settings/retention', path: () => '/api/settings/retention', signedInStatus: 200 },
  { method: 'PUT', route: '/api/settings/retention', path: () => '/api/settings/retention', body: { days: null }, signedInStatus: 200 },
  { method: 'GET', route: '/api/deletions', path: () => '/api/deletions', signedInStatus: 200 },
  { method: 'GET', route: '/api/projects', path: () => '/api/projects', signedInStatus: 200 },
  { method: 'PUT', route: '/api/projects/:key/origins', path: () => '/api/projects/demo/origins', body: { origins: [] }, signedInStatus: 200 },
  { method: 'GET', route: '/api/settings/assets', path: () => '/api/settings/assets', signedInStatus: 200 },
  { method: 'PUT', route: '/api/settings/assets', path: () => '/api/settings/assets', body: { mode: 'block', origins: [] }, signedInStatus: 200 },
  // The project blocks assets: the 403 comes from the handler, after the sign-in was checked.
  { method: 'GET', route: '/api/assets', path: () => '/api/assets?url=https%3A%2F%2Fcdn.example%2Fa.png', signedInStatus: 403 },
  { method: 'POST', route: '/api/projects/:key/server-key', path: () => '/api/projects/demo/server-key', signedInStatus: 201 },
  { method: 'GET', route: '/api/webhooks', path: () => '/api/webhooks', signedInStatus: 200 },
  {
    method: 'POST',
    route: '/api/webhooks',
    path: () => '/api/webhooks',
    body: { url: 'https://hooks.example/auth-test', events: ['rage_click'] },
    signedInStatus: 201,
  },
  { method: 'DELETE', route: '/api/webhooks/:id', path: () => '/api/webhooks/999999', signedInStatus: 404 },
  { method: 'POST', route: '/api/webhooks/:id/test', path: () => '/api/webhooks/999999/test', signedInStatus: 404 },
  { method: 'GET', route: '/api/webhooks/:id/deliveries', path: () => '/api/webhooks/999999/deliveries', signedInStatus: 404 },
  { method: 'POST', route: '/api/projects', path: () => '/api/projects', body: { name: 'Another shop' }, signedInStatus: 201 },
  {
    method: 'POST',
    route: '/api/projects/:key/viewer-token',
    path: () => '/api/projects/demo/viewer-token',
    signedInStatus: 200,
  },
];

function call(item: ProtectedCall, headers: Record<string, string> = {}): Promise<Response> {
  const withBody = item.body !== undefined;
  return fetch(`${server.url}${item.path()}`, {
    method: item.method,
    headers: { ...(withBody ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: withBody ? JSON.stringify(item.body) : undefined,
  });
}

/** Signs in and returns the Set-Cookie header and the `name=value` pair to send back. */
async function login(token = TEST_ADMIN_TOKEN): Promise<{ response: Response; setCookie: string; cookie: string }> {
  const response = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const setCookie = response.headers.get('set-cookie') ?? '';
  return { response, setCookie, cookie: setCookie.split(';')[0]! };
}

/** `[METHOD route]` of every route the app registers, walking its nested routers. */
function registeredRoutes(stack: ReadonlyArray<{ route?: { path: string; methods: object }; handle?: { stack?: unknown } }>): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path}`);
    return Array.isArray(layer.handle?.stack) ? registeredRoutes(layer.handle.stack) : [];
  });
}

beforeAll(async () => {
  server = await startTestServer();
  const shopper = visit(start);
  await ingest(server.url, makeBatch([...shopper.load(0, '/'), shopper.click(500, '#buy')], { sessionId, windowId }));
});

afterAll(async () => {
  await server?.close();
});

describe('access control', () => {
  test('the list of protected calls covers every /api route but ingest, server events, login and logout', () => {
    const app = createApp({ store: server.store, config: server.config }) as unknown as { router: { stack: [] } };
    const apiRoutes = registeredRoutes(app.router.stack).filter((route) => route.split(' ')[1]!.startsWith('/api/'));
    // POST /api/events is public to the login guard but checks its own server key (test/api/server-events.test.ts).
    const publicRoutes = ['POST /api/ingest', 'POST /api/events', 'POST /api/login', 'POST /api/logout'];
    const listed = protectedCalls.map((item) => `${item.method} ${item.route}`);
    expect(new Set([...listed, ...publicRoutes])).toEqual(new Set(apiRoutes));
  });

  test.each(protectedCalls)('$method $route answers 401 login_required without credentials', async (item) => {
    await expectApiError(await call(item), 401, 'login_required');
  });

  test.each(protectedCalls)('$method $route answers 401 with a wrong bearer token or a forged cookie', async (item) => {
    await expectApiError(await call(item, { Authorization: 'Bearer not-the-token' }), 401, 'login_required');
    await expectApiError(await call(item, { Cookie: 'sl_session=forged' }), 401, 'login_required');
  });

  test.each(protectedCalls)('$method $route is answered with the bearer token and with the sign-in cookie', async (item) => {
    expect((await call(item, adminHeaders)).status).toBe(item.signedInStatus);
    const { cookie } = await login();
    expect((await call(item, { Cookie: cookie })).status).toBe(item.signedInStatus);
  });

  test('unknown /api paths also need a login, so they do not reveal which routes exist', async () => {
    await expectApiError(await fetch(`${server.url}/api/nothing-here`), 401, 'login_required');
    await expectApiError(await fetch(`${server.url}/api/nothing-here`, { headers: adminHeaders }), 404, 'not_found');
  });

  test('the viewer, the recorder script and preflights stay public', async () => {
    // The viewer's files may be unbuilt here (503); what matters is that no login is asked for.
    for (const path of ['/', '/recorder.js']) expect((await fetch(`${server.url}${path}`)).status).not.toBe(401);
    const preflight = await fetch(`${server.url}/api/ingest`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
  });

  test('login sets an HttpOnly, SameSite=Strict cookie for the whole site; a wrong token is refused', async () => {
    const { response, setCookie } = await login();
    expect(response.status).toBe(200);
    const me = (await response.json()) as MeResponse;
    expect(me).toMatchObject({ signedIn: true, scope: 'admin' });
    expect(me.projects[0]).toEqual({ key: 'demo', name: 'Demo store' });
    expect(setCookie).toMatch(/^sl_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\//i);
    expect(setCookie).toMatch(/; Max-Age=2592000/i);
    // Plain http here; Secure would make the browser drop the cookie.
    expect(setCookie).not.toMatch(/; Secure/i);

    const wrong = await login('wrong-token');
    await expectApiError(wrong.response, 401, 'invalid_token');
    expect(wrong.setCookie).toBe('');
    const empty = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    await expectApiError(empty, 400, 'invalid_body');
  });

  test('the database keeps only a hash of the cookie value', async () => {
    const { cookie } = await login();
    const value = cookie.split('=')[1]!;
    const rows = server.db.prepare('SELECT id_hash FROM login_sessions').pluck().all() as string[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((hash) => hash.includes(value))).toBe(false);
  });

  test('logout ends the sign-in: the same cookie no longer reads', async () => {
    const { cookie } = await login();
    expect((await fetch(`${server.url}/api/me`, { headers: { Cookie: cookie } })).status).toBe(200);
    const logout = await fetch(`${server.url}/api/logout`, { method: 'POST', headers: { Cookie: cookie } });
    expect(logout.status).toBe(204);
    expect(logout.headers.get('set-cookie')).toMatch(/^sl_session=;.*Expires=Thu, 01 Jan 1970/i);
    await expectApiError(await fetch(`${server.url}/api/me`, { headers: { Cookie: cookie } }), 401, 'login_required');
  });

  test('an expired sign-in no longer reads', async () => {
    const { cookie } = await login();
    server.db.prepare('UPDATE login_sessions SET expires_at = ?').run(Date.now() - 1);
    await expectApiError(await fetch(`${server.url}/api/sessions`, { headers: { Cookie: cookie } }), 401, 'login_required');
  });

  test('an ingest key writes but never reads', async () => {
    const asKey: Array<Record<string, string>> = [
      { Authorization: 'Bearer demo' },
      { Cookie: 'sl_session=demo' },
      { 'X-Sightline-Project': 'demo' },
    ];
    for (const headers of asKey) {
      await expectApiError(await fetch(`${server.url}/api/sessions`, { headers }), 401, 'login_required');
      await expectApiError(await fetch(`${server.url}/api/sessions/${sessionId}/events?project=demo`, { headers }), 401, 'login_required');
    }
  });
});

describe('allowed origins', () => {
  const setOrigins = (origins: unknown) =>
    fetch(`${server.url}/api/projects/demo/origins`, {
      method: 'PUT',
      headers: { ...adminHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ origins }),
    });
  const send = (origin?: string) => postBatch(server.url, makeBatch(visit(start).load(0, '/')), { headers: origin ? { Origin: origin } : {} });

  afterAll(async () => {
    await setOrigins([]);
  });

  test('an empty list accepts any origin', async () => {
    expect((await (await setOrigins([])).json()) as AllowedOriginsResponse).toEqual({ origins: [] });
    expect((await send('https://anywhere.example')).status).toBe(200);
    expect((await send()).status).toBe(200);
  });

  test('a non-empty list is enforced, also against requests without an Origin', async () => {
    const saved = (await (await setOrigins(['https://Shop.example', 'http://localhost:8080'])).json()) as AllowedOriginsResponse;
    expect(saved).toEqual({ origins: ['https://shop.example', 'http://localhost:8080'] });
    expect((await send('https://shop.example')).status).toBe(200);
    expect((await send('http://localhost:8080')).status).toBe(200);
    await expectApiError(await send('https://evil.example'), 403, 'origin_not_allowed');
    await expectApiError(await send('https://shop.example.evil.example'), 403, 'origin_not_allowed');
    await expectApiError(await send('http://shop.example'), 403, 'origin_not_allowed');
    await expectApiError(await send(), 403, 'origin_not_allowed');

    const list = (await (await fetch(`${server.url}/api/projects`, { headers: adminHeaders })).json()) as ProjectList;
    expect(list.projects.find((project) => project.key === 'demo')).toEqual(
      expect.objectContaining({ name: 'Demo store', allowedOrigins: ['https://shop.example', 'http://localhost:8080'] }),
    );
  });

  test('an unknown ingest key is refused whatever the origin', async () => {
    const response = await postBatch(server.url, makeBatch(visit(start).load(0, '/'), { project: 'nope' }));
    await expectApiError(response, 403, 'unknown_project');
  });

  test('only bare http(s) origins are stored; unknown projects answer 404', async () => {
    for (const bad of ['shop.example', 'https://shop.example/', 'https://shop.example/path', 'ftp://shop.example', 'javascript:alert(1)']) {
      await expectApiError(await setOrigins([bad]), 400, 'invalid_body');
    }
    await expectApiError(await setOrigins('https://shop.example'), 400, 'invalid_body');
    const unknown = await fetch(`${server.url}/api/projects/nope/origins`, {
      method: 'PUT',
      headers: { ...adminHeaders, 'Content-Type': 'application/json' },
      body: JSON.stringify({ origins: [] }),
    });
    await expectApiError(unknown, 404, 'unknown_project');
  });
});
