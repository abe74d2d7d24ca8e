/**
 * Least privilege for project tokens: a project's read-only viewer token reads everything of its project but is
 * refused with 403 `insufficient_role` on every management route (settings, origins, asset policy, webhooks,
 * deleting data); its manage token and the admin may use them. Every route the app registers is looked up in the
 * route table by its access, so a route added later is checked or fails here.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ProjectCredentials } from '../../contract/access.ts';
import { adminFetch, adminHeaders, startTestServer, type TestServer } from '../../support/server.ts';
import { callFor, makeCall, PUBLIC_ROUTES, registeredApiRoutes, type CallContext, type ProtectedCall } from './route-table.ts';
import { visit } from './shop-events.ts';
import { expectApiError, ingest, makeBatch, newId } from './support.ts';

const PROJECT = 'roles-shop';
const credentialedRoutes = registeredApiRoutes().filter((route) => !PUBLIC_ROUTES.includes(route));
const byAccess = (access: ProtectedCall['access']) =>
  credentialedRoutes.filter((route) => callFor(route)?.access === access);

let server: TestServer;
let context: CallContext;
/** The project's two tokens, each as a Bearer header and as a sign-in cookie sent from the viewer's own page. */
let readOnly: Array<Record<string, string>>;
let manage: Array<Record<string, string>>;

async function credentialsOf(token: string): Promise<Array<Record<string, string>>> {
  const login = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  return [{ Authorization: `Bearer ${token}` }, { Cookie: cookie, Origin: server.url }];
}

async function newToken(path: string, body: unknown): Promise<string> {
  const response = await adminFetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as ProjectCredentials;
  expect(response.status, JSON.stringify(answer)).toBeLessThan(300);
  return answer.viewerToken;
}

beforeAll(async () => {
  server = await startTestServer();
  const readToken = await newToken('/api/projects', { name: 'Roles shop', key: PROJECT });
  const manageToken = await newToken(`/api/projects/${PROJECT}/viewer-token`, { role: 'manage' });
  const sessionId = newId();
  const shopper = visit(Date.now() - 60_000);
  await ingest(server.url, makeBatch([...shopper.load(0, '/'), shopper.click(500, '#buy')], { project: PROJECT, sessionId }));
  context = { project: PROJECT, sessionId };
  readOnly = await credentialsOf(readToken);
  manage = await credentialsOf(manageToken);
});

afterAll(async () => {
  await server?.close();
});

describe('roles', () => {
  test('every credentialed route has an access in the route table, and there are management routes', () => {
    for (const route of credentialedRoutes) expect(callFor(route), `${route} is missing from test/api/route-table.ts`).toBeDefined();
    expect(byAccess('manage').length).toBeGreaterThanOrEqual(9);
  });

  test.each(byAccess('manage'))('%s: a read-only token gets 403 insufficient_role; a manage token and the admin pass', async (route) => {
    const call = callFor(route)!;
    for (const headers of readOnly) await expectApiError(await makeCall(server, call, context, headers), 403, 'insufficient_role');
    for (const headers of [...manage, adminHeaders]) {
      const response = await makeCall(server, call, context, headers);
      expect(response.status, await response.text()).toBe(call.passedStatus);
    }
  });

  test.each(byAccess('read'))('%s: a read-only token passes', async (route) => {
    const call = callFor(route)!;
    for (const headers of readOnly) {
      const response = await makeCall(server, call, context, headers);
      expect(response.status, await response.text()).toBe(call.passedStatus);
    }
  });

  test("a read-only token's refused changes leave the project as it was", async () => {
    const asAdmin = async (path: string) => (await adminFetch(`${server.url}${path}?project=${PROJECT}`)).json();
    const before = [await asAdmin('/api/settings/retention'), await asAdmin('/api/settings/assets'), await asAdmin('/api/settings/page-patterns')];
    const attempts: Array<[string, string, unknown]> = [
      ['PUT', '/api/settings/retention', { days: 1 }],
      ['PUT', '/api/settings/assets', { mode: 'proxy', origins: ['https://cdn.evil.example'] }],
      ['PUT', '/api/settings/page-patterns', { patterns: ['/evil/*'] }],
      ['PUT', `/api/projects/${PROJECT}/origins`, { origins: ['https://evil.example'] }],
      ['DELETE', `/api/sessions/${context.sessionId}`, undefined],
    ];
    for (const [method, path, body] of attempts) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...readOnly[0], ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      await expectApiError(response, 403, 'insufficient_role');
    }
    expect([await asAdmin('/api/settings/retention'), await asAdmin('/api/settings/assets'), await asAdmin('/api/settings/page-patterns')]).toEqual(before);
    const project = (await asAdmin('/api/projects')).projects.find((candidate: { key: string }) => candidate.key === PROJECT);
    expect(project.allowedOrigins).toEqual([]);
    expect((await adminFetch(`${server.url}/api/sessions/${context.sessionId}?project=${PROJECT}`)).status).toBe(200);
  });

  // Last: the admin's pass of POST /api/projects/:key/viewer-token replaces the read-only token.
  test.each(byAccess('admin'))('%s: a project token of either role gets 403 admin_only; the admin passes', async (route) => {
    const call = callFor(route)!;
    for (const headers of [...readOnly, ...manage]) await expectApiError(await makeCall(server, call, context, headers), 403, 'admin_only');
    expect((await makeCall(server, call, context, adminHeaders)).status).toBe(call.passedStatus);
  });
});
