/**
 * Projects and their viewer tokens: the admin creates projects and rotates their tokens, read-only or manage; a
 * token is shown once and stored only as a hash; a viewer token is refused on admin-only routes; an ingest key is
 * never a credential; and rotating a token ends both the old token and the sign-ins made with it, and only those.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MeResponse, ProjectCredentials, ProjectList, ServerKeyResponse } from '../../contract/access.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { visit } from './shop-events.ts';
import { expectApiError, ingest, makeBatch } from './support.ts';

let server: TestServer;

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function createProject(body: unknown): Promise<ProjectCredentials> {
  const response = await adminFetch(`${server.url}/api/projects`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  expect(response.status, JSON.stringify(answer)).toBe(201);
  return answer as ProjectCredentials;
}

/** Replaces a project's viewer token of the body's role (read without one) as the admin. */
async function rotate(key: string, body?: unknown): Promise<ProjectCredentials> {
  const response = await adminFetch(`${server.url}/api/projects/${key}/viewer-token`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  expect(response.status, JSON.stringify(answer)).toBe(200);
  return answer as ProjectCredentials;
}

async function signIn(token: string): Promise<{ status: number; cookie: string }> {
  const response = await post('/api/login', { token });
  return { status: response.status, cookie: (response.headers.get('set-cookie') ?? '').split(';')[0]! };
}

beforeAll(async () => {
  // Wrong and retired tokens are sent on purpose here; the guessing limits are test/api/rate-limit.test.ts's.
  const roomy = { ratePerSecond: 1000, burst: 1000 };
  server = await startTestServer({ loginRatePerAddress: roomy, loginFailureBudget: roomy });
});

afterAll(async () => {
  await server?.close();
});

describe('POST /api/projects', () => {
  test('creates a project with the chosen key; its viewer token is shown once and stored only as a hash', async () => {
    const created = await createProject({ name: '  Outdoor shop ', key: 'outdoor' });
    expect(created.project).toEqual({
      key: 'outdoor',
      name: 'Outdoor shop',
      createdAt: expect.any(Number),
      allowedOrigins: [],
      retentionDays: null,
      hasServerKey: false,
      tokenRoles: ['read'],
    });
    expect(created.role).toBe('read');
    expect(created.viewerToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const row = server.db.prepare("SELECT * FROM projects WHERE key = 'outdoor'").get() as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain(created.viewerToken);
    expect(row.viewer_token_hash).toMatch(/^[0-9a-f]{64}$/);

    const me = (await (await fetch(`${server.url}/api/me`, { headers: bearer(created.viewerToken) })).json()) as MeResponse;
    expect(me).toEqual({ signedIn: true, scope: 'project', role: 'read', projects: [{ key: 'outdoor', name: 'Outdoor shop' }] });
  });

  test('makes a manage token instead when asked; any other role is refused', async () => {
    const created = await createProject({ name: 'Managed shop', key: 'managed', role: 'manage' });
    expect(created).toMatchObject({ role: 'manage', project: { tokenRoles: ['manage'] } });
    const row = server.db.prepare("SELECT viewer_token_hash, manage_token_hash FROM projects WHERE key = 'managed'").get();
    expect(row).toEqual({ viewer_token_hash: null, manage_token_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const me = (await (await fetch(`${server.url}/api/me`, { headers: bearer(created.viewerToken) })).json()) as MeResponse;
    expect(me).toMatchObject({ scope: 'project', role: 'manage' });
    for (const role of ['admin', 'write', '', null]) {
      const response = await adminFetch(`${server.url}/api/projects`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Bad role', role }),
      });
      await expectApiError(response, 400, 'invalid_body');
    }
  });

  test('generates a URL-safe key when none is given, and the new key takes ingest', async () => {
    const created = await createProject({ name: 'Generated' });
    expect(created.project.key).toMatch(/^[A-Za-z0-9_-]{12}$/);
    const ack = await ingest(server.url, makeBatch(visit(Date.now()).load(0, '/'), { project: created.project.key }));
    const list = await (await fetch(`${server.url}/api/sessions`, { headers: bearer(created.viewerToken) })).json();
    expect(list.sessions.map((session: { id: string }) => session.id)).toEqual([ack.sessionId]);
  });

  test('refuses a taken key with 409, and a bad body with 400', async () => {
    const taken = await adminFetch(`${server.url}/api/projects`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Again', key: 'demo' }),
    });
    await expectApiError(taken, 409, 'project_exists');
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x', key: 'has space' }, { name: 'x', key: 'a/b' }, { name: 'x', extra: 1 }]) {
      const response = await adminFetch(`${server.url}/api/projects`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      await expectApiError(response, 400, 'invalid_body');
    }
    const keys = server.db.prepare('SELECT key FROM projects').pluck().all();
    expect(keys).not.toContain('has space');
  });
});

describe('admin-only routes', () => {
  let own: ProjectCredentials;
  let ownManage: ProjectCredentials;
  let other: ProjectCredentials;

  beforeAll(async () => {
    own = await createProject({ name: 'Own shop', key: 'own-shop' });
    other = await createProject({ name: 'Other shop', key: 'other-shop' });
    ownManage = await rotate('own-shop', { role: 'manage' });
  });

  const setOrigins = (key: string, headers: Record<string, string>) =>
    fetch(`${server.url}/api/projects/${key}/origins`, {
      method: 'PUT',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ origins: ['https://evil.example'] }),
    });

  test('a viewer token of either role gets 403 admin_only for creating projects, rotating tokens, server keys and another project’s origins', async () => {
    for (const token of [own.viewerToken, ownManage.viewerToken]) {
      const { cookie } = await signIn(token);
      // The cookie from the viewer's own page, so only the role decides.
      for (const headers of [bearer(token), { Cookie: cookie, Origin: server.url }]) {
        await expectApiError(await post('/api/projects', { name: 'Sneaky' }, headers), 403, 'admin_only');
        await expectApiError(await post('/api/projects/own-shop/viewer-token', undefined, headers), 403, 'admin_only');
        await expectApiError(await post('/api/projects/own-shop/viewer-token', { role: 'manage' }, headers), 403, 'admin_only');
        await expectApiError(await post('/api/projects/other-shop/viewer-token', undefined, headers), 403, 'admin_only');
        await expectApiError(await post('/api/projects/own-shop/server-key', undefined, headers), 403, 'admin_only');
        for (const key of ['other-shop', 'demo', 'no-such-project']) {
          // A read-only token is stopped by its role before the project is looked at.
          await expectApiError(await setOrigins(key, headers), 403, token === own.viewerToken ? 'insufficient_role' : 'admin_only');
        }
      }
    }
    const projects = server.db.prepare('SELECT key, allowed_origins FROM projects').all();
    expect(projects).not.toContainEqual(expect.objectContaining({ allowed_origins: '["https://evil.example"]' }));
    expect(server.db.prepare("SELECT count(*) FROM projects WHERE name = 'Sneaky'").pluck().get()).toBe(0);
    expect(server.db.prepare('SELECT count(*) FROM projects WHERE server_key_hash IS NOT NULL').pluck().get()).toBe(0);
    // No token was rotated.
    for (const token of [own.viewerToken, ownManage.viewerToken, other.viewerToken]) {
      expect((await fetch(`${server.url}/api/me`, { headers: bearer(token) })).status).toBe(200);
    }
  });

  test('a manage token may set its own project’s allowed origins; a read-only one may not', async () => {
    await expectApiError(await setOrigins('own-shop', bearer(own.viewerToken)), 403, 'insufficient_role');
    const response = await fetch(`${server.url}/api/projects/own-shop/origins`, {
      method: 'PUT',
      headers: { ...bearer(ownManage.viewerToken), 'Content-Type': 'application/json' },
      body: JSON.stringify({ origins: ['https://own.example'] }),
    });
    expect(await response.json()).toEqual({ origins: ['https://own.example'] });
  });
});

describe('credentials', () => {
  test('an ingest key is refused as a bearer token and at sign-in', async () => {
    const created = await createProject({ name: 'Keyed', key: 'keyed-shop' });
    await ingest(server.url, makeBatch(visit(Date.now()).load(0, '/'), { project: 'keyed-shop' }));
    for (const key of ['keyed-shop', 'demo']) {
      await expectApiError(await fetch(`${server.url}/api/sessions?project=${key}`, { headers: bearer(key) }), 401, 'login_required');
      await expectApiError(await post('/api/login', { token: key }), 401, 'invalid_token');
    }
    expect((await fetch(`${server.url}/api/sessions`, { headers: bearer(created.viewerToken) })).status).toBe(200);
  });

  test('rotating a viewer token ends the old token and its sign-ins; the new one works', async () => {
    const created = await createProject({ name: 'Rotated', key: 'rotated-shop' });
    const oldToken = created.viewerToken;
    const oldSignIn = await signIn(oldToken);
    expect(oldSignIn.status).toBe(200);
    const adminSignIn = await signIn(server.config.adminToken!);
    expect((await fetch(`${server.url}/api/me`, { headers: { Cookie: oldSignIn.cookie } })).status).toBe(200);

    const rotated = await adminFetch(`${server.url}/api/projects/rotated-shop/viewer-token`, { method: 'POST' });
    const answer = (await rotated.json()) as ProjectCredentials;
    expect(rotated.status).toBe(200);
    expect(answer.project.key).toBe('rotated-shop');
    expect(answer.viewerToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(answer.viewerToken).not.toBe(oldToken);

    await expectApiError(await fetch(`${server.url}/api/sessions`, { headers: bearer(oldToken) }), 401, 'login_required');
    await expectApiError(await fetch(`${server.url}/api/sessions`, { headers: { Cookie: oldSignIn.cookie } }), 401, 'login_required');
    await expectApiError(await post('/api/login', { token: oldToken }), 401, 'invalid_token');
    const me = (await (await fetch(`${server.url}/api/me`, { headers: bearer(answer.viewerToken) })).json()) as MeResponse;
    expect(me.projects).toEqual([{ key: 'rotated-shop', name: 'Rotated' }]);
    // Only that project's sign-ins end: the admin's cookie still reads.
    expect((await fetch(`${server.url}/api/me`, { headers: { Cookie: adminSignIn.cookie } })).status).toBe(200);
  });

  test('each role has its own token: rotating one leaves the other and its sign-ins; a sign-in keeps its role', async () => {
    const created = await createProject({ name: 'Two roles', key: 'two-roles' });
    const manage = await rotate('two-roles', { role: 'manage' });
    expect(manage.role).toBe('manage');
    expect(manage.project.tokenRoles).toEqual(['read', 'manage']);
    const readSignIn = await signIn(created.viewerToken);
    const manageSignIn = await signIn(manage.viewerToken);
    const roleOf = async (headers: Record<string, string>) => ((await (await fetch(`${server.url}/api/me`, { headers })).json()) as MeResponse).role;
    expect([await roleOf({ Cookie: readSignIn.cookie }), await roleOf({ Cookie: manageSignIn.cookie })]).toEqual(['read', 'manage']);

    const newManage = await rotate('two-roles', { role: 'manage' });
    await expectApiError(await fetch(`${server.url}/api/me`, { headers: bearer(manage.viewerToken) }), 401, 'login_required');
    await expectApiError(await fetch(`${server.url}/api/me`, { headers: { Cookie: manageSignIn.cookie } }), 401, 'login_required');
    expect(await roleOf(bearer(newManage.viewerToken))).toBe('manage');
    // The read-only token and its sign-in were not touched.
    expect(await roleOf(bearer(created.viewerToken))).toBe('read');
    expect(await roleOf({ Cookie: readSignIn.cookie })).toBe('read');

    const newRead = await rotate('two-roles');
    expect(newRead.role).toBe('read');
    await expectApiError(await fetch(`${server.url}/api/me`, { headers: { Cookie: readSignIn.cookie } }), 401, 'login_required');
    expect(await roleOf(bearer(newManage.viewerToken))).toBe('manage');
    await expectApiError(await post('/api/projects/two-roles/viewer-token', { role: 'owner' }, server.authHeaders), 400, 'invalid_body');
  });

  test('rotating the token of an unknown project answers 404', async () => {
    const response = await adminFetch(`${server.url}/api/projects/no-such-project/viewer-token`, { method: 'POST' });
    await expectApiError(response, 404, 'unknown_project');
  });

  test('a project created before viewer tokens existed gets its first one by rotation', async () => {
    await expectApiError(await post('/api/login', { token: '' }), 400, 'invalid_body');
    const rotated = (await (await adminFetch(`${server.url}/api/projects/demo/viewer-token`, { method: 'POST' })).json()) as ProjectCredentials;
    const signIn = await post('/api/login', { token: rotated.viewerToken });
    expect(((await signIn.json()) as MeResponse).projects).toEqual([{ key: 'demo', name: 'Demo store' }]);
  });
});

// Last: the server key it makes would count in the admin-only test's check that none was made.
describe('GET /api/projects', () => {
  test('says whether a project has a server key, never the key or its hash', async () => {
    await createProject({ name: 'Keyed backend', key: 'backend-shop' });
    const listed = async () => {
      const { projects } = (await (await adminFetch(`${server.url}/api/projects`)).json()) as ProjectList;
      return projects.find((project) => project.key === 'backend-shop')!;
    };
    expect((await listed()).hasServerKey).toBe(false);
    const made = await adminFetch(`${server.url}/api/projects/backend-shop/server-key`, { method: 'POST' });
    const { serverKey } = (await made.json()) as ServerKeyResponse;
    const after = await listed();
    expect(after.hasServerKey).toBe(true);
    const hash = server.db.prepare("SELECT server_key_hash FROM projects WHERE key = 'backend-shop'").pluck().get() as string;
    expect(JSON.stringify(after)).not.toContain(serverKey);
    expect(JSON.stringify(after)).not.toContain(hash);
  });
});
