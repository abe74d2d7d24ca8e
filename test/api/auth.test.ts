import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AllowedOriginsResponse, MeResponse, ProjectList } from '../../contract/access.ts';
import { adminHeaders, startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../../support/server.ts';
import { visit } from './shop-events.ts';
import { makeCall, protectedCalls, PUBLIC_ROUTES, registeredApiRoutes, type CallContext, type ProtectedCall } from './route-table.ts';
import { expectApiError, ingest, makeBatch, newId, postBatch } from './support.ts';

let server: TestServer;
const sessionId = newId();
const windowId = newId();
const start = Date.UTC(2026, 0, 5, 10);
const context: CallContext = { project: 'demo', sessionId };
/** Plenty: the tests below send wrong tokens on purpose, and are about the login guard, not the guessing limits. */
const roomy = { ratePerSecond: 1000, burst: 1000 };

function call(item: ProtectedCall, headers: Record<string, string> = {}): Promise<Response> {
  return makeCall(server, item, context, headers);
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

beforeAll(async () => {
  server = await startTestServer({ loginRatePerAddress: roomy, loginFailureBudget: roomy });
  const shopper = visit(start);
  await ingest(server.url, makeBatch([...shopper.load(0, '/'), shopper.click(500, '#buy')], { sessionId, windowId }));
});

afterAll(async () => {
  await server?.close();
});

describe('access control', () => {
  test('the list of protected calls covers every /api route but ingest, server events, login and logout', () => {
    const listed = protectedCalls.map((item) => `${item.method} ${item.route}`);
    expect(new Set([...listed, ...PUBLIC_ROUTES])).toEqual(new Set(registeredApiRoutes()));
  });

  test.each(protectedCalls)('$method $route answers 401 login_required without credentials', async (item) => {
    await expectApiError(await call(item), 401, 'login_required');
  });

  test.each(protectedCalls)('$method $route answers 401 with a wrong bearer token or a forged cookie', async (item) => {
    await expectApiError(await call(item, { Authorization: 'Bearer not-the-token' }), 401, 'login_required');
    await expectApiError(await call(item, { Cookie: 'sl_session=forged' }), 401, 'login_required');
  });

  test.each(protectedCalls)('$method $route is answered with the bearer token and with the sign-in cookie', async (item) => {
    expect((await call(item, adminHeaders)).status).toBe(item.passedStatus);
    const { cookie } = await login();
    // From the viewer's own page, as a browser sends it: the same-origin guard is test/api/same-origin.test.ts's.
    expect((await call(item, { Cookie: cookie, Origin: server.url })).status).toBe(item.passedStatus);
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
    expect(me).toMatchObject({ signedIn: true, scope: 'admin', role: 'manage' });
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
    const logout = await fetch(`${server.url}/api/logout`, { method: 'POST', headers: { Cookie: cookie, Origin: server.url } });
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
