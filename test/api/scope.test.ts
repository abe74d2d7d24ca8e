/**
 * A project's data is visible only to its project. Two shops with data in each: the admin reads either with
 * `?project=`; shop A's viewer token (as a bearer token and as a sign-in cookie) reads A's data on every read route
 * and never anything of B's, cannot reach B by naming it, and cannot delete B's sessions, users or funnels.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MeResponse, ProjectList } from '../../contract/access.ts';
import { readSubjectKey, subjectHash } from '../../server/storage/deletion-subject.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { adminCall, COMMON_BUTTON, createTwoShops, DEAD_BUTTON, markersOf, SHARED_USER, type ShopProject } from './scope-fixture.ts';
import { expectApiError } from './support.ts';

/** One read route: what to ask for a shop, and what of the answer belongs to that shop alone. */
interface ScopedRead {
  name: string;
  path: (shop: ShopProject) => string;
  body?: unknown;
  /** The part of the answer to compare, and what it must be for the shop whose data is read. */
  pick: (answer: any) => unknown;
  expected: (shop: ShopProject) => unknown;
  /** Asked with another shop's ids, the answer a token of this shop gets; undefined: its own data again. */
  otherShopIdAnswer?: { status: number; code: string };
}

const sorted = (values: string[]) => [...values].sort();
const sessionNotFound = { status: 404, code: 'session_not_found' };
const PRODUCT = encodeURIComponent('/product/:id');

const reads: ScopedRead[] = [
  {
    name: 'GET /api/sessions',
    path: () => '/api/sessions',
    pick: (answer) => [sorted(answer.sessions.map((session: { id: string }) => session.id)), answer.total],
    expected: (shop) => [sorted(shop.sessions), shop.sessions.length],
  },
  {
    name: 'GET /api/sessions?userId=',
    path: () => `/api/sessions?userId=${SHARED_USER}`,
    pick: (answer) => answer.sessions.map((session: { id: string }) => session.id),
    expected: (shop) => [shop.sessions.at(-1)],
  },
  {
    name: 'GET /api/sessions?funnel=',
    path: (shop) => `/api/sessions?funnel=${shop.funnel.id}`,
    pick: (answer) => sorted(answer.sessions.map((session: { id: string }) => session.id)),
    expected: (shop) => sorted(shop.sessions),
    otherShopIdAnswer: { status: 404, code: 'funnel_not_found' },
  },
  {
    name: 'GET /api/sessions/:id',
    path: (shop) => `/api/sessions/${shop.sessions[0]}`,
    pick: (answer) => [answer.session.id, answer.marks.filter((mark: { kind: string }) => mark.kind === 'page').length],
    expected: (shop) => [shop.sessions[0], 4],
    otherShopIdAnswer: sessionNotFound,
  },
  {
    name: 'GET /api/sessions/:id/events',
    path: (shop) => `/api/sessions/${shop.sessions[0]}/events`,
    pick: (answer) => answer.events.filter((event: { data: { tag?: string } }) => event.data.tag === 'sl:click')[0].data.payload.selector,
    expected: (shop) => shop.button,
    otherShopIdAnswer: sessionNotFound,
  },
  {
    name: 'GET /api/sessions/:id/export',
    path: (shop) => `/api/sessions/${shop.sessions[0]}/export`,
    pick: (answer) => [answer.session.id, JSON.stringify(answer.windows).includes(answer.session.entryUrl)],
    expected: (shop) => [shop.sessions[0], true],
    otherShopIdAnswer: sessionNotFound,
  },
  {
    name: 'GET /api/heatmaps',
    path: () => `/api/heatmaps?page=${PRODUCT}`,
    pick: (answer) =>
      answer.elements
        .map((element: { selector: string; count: number; replay: { sessionId: string } }) => [
          element.selector,
          element.count,
          element.replay.sessionId,
        ])
        .sort(),
    expected: (shop) =>
      [shop.button, COMMON_BUTTON].map((selector) => [selector, shop.sessions.length, shop.sessions.at(-1)]).sort(),
  },
  {
    name: 'GET /api/heatmaps?kind=dead',
    path: () => `/api/heatmaps?page=${encodeURIComponent('/checkout')}&kind=dead`,
    pick: (answer) => answer.elements.map((element: { selector: string; count: number; replay: { sessionId: string } }) => [
      element.selector,
      element.count,
      element.replay.sessionId,
    ]),
    expected: (shop) => [[DEAD_BUTTON, shop.sessions.length, shop.sessions.at(-1)]],
  },
  {
    name: 'GET /api/heatmaps/pages',
    path: () => '/api/heatmaps/pages',
    pick: (answer) => Object.fromEntries(answer.pages.map((page: { page: string; views: number }) => [page.page, page.views])),
    expected: (shop) => Object.fromEntries(['/', '/product/:id', shop.onlyPage, '/checkout'].map((page) => [page, shop.sessions.length])),
  },
  {
    name: 'GET /api/heatmaps/snapshot',
    path: () => `/api/heatmaps/snapshot?page=${PRODUCT}`,
    pick: (answer) => answer.sessionId,
    expected: (shop) => shop.sessions.at(-1),
  },
  {
    name: 'GET /api/scrollmap',
    path: () => `/api/scrollmap?page=${PRODUCT}`,
    pick: (answer) => answer.views,
    expected: (shop) => shop.sessions.length,
  },
  {
    name: 'GET /api/forms',
    path: () => '/api/forms',
    pick: (answer) => answer.forms.map((form: { form: string; sessionsStarted: number }) => [form.form, form.sessionsStarted]),
    expected: (shop) => [[shop.form, shop.sessions.length]],
  },
  {
    name: 'POST /api/funnels/query',
    path: () => '/api/funnels/query',
    body: { steps: [{ type: 'page', pattern: '/product/*' }] },
    pick: (answer) => [answer.sessionsConsidered, answer.steps[0].sessions],
    expected: (shop) => [shop.sessions.length, shop.sessions.length],
  },
  {
    name: 'GET /api/funnels',
    path: () => '/api/funnels',
    pick: (answer) => answer.funnels.map((funnel: { id: number; name: string }) => [funnel.id, funnel.name]),
    expected: (shop) => [[shop.funnel.id, shop.funnel.name]],
  },
  {
    name: 'GET /api/metrics',
    path: () => '/api/metrics',
    pick: (answer) => [answer.totals.sessions, answer.totals.cartSessions, answer.totals.abandonedCartValue],
    expected: (shop) => [shop.sessions.length, shop.sessions.length, shop.sessions.length * shop.cartValue],
  },
  {
    name: 'GET /api/settings/page-patterns',
    path: () => '/api/settings/page-patterns',
    pick: (answer) => answer.patterns,
    expected: (shop) => shop.patterns,
  },
  {
    name: 'GET /api/settings/retention',
    path: () => '/api/settings/retention',
    pick: (answer) => answer.days,
    expected: (shop) => shop.retentionDays,
  },
  {
    name: 'GET /api/settings/assets',
    path: () => '/api/settings/assets',
    pick: (answer) => [answer.mode, answer.origins],
    expected: (shop) => ['proxy', [shop.assetOrigin]],
  },
  {
    name: 'GET /api/webhooks',
    path: () => '/api/webhooks',
    pick: (answer) => answer.webhooks.map((webhook: { url: string }) => webhook.url),
    expected: (shop) => [shop.webhookUrl],
  },
  {
    name: 'GET /api/deletions',
    path: () => '/api/deletions',
    pick: (answer) => answer.deletions.map((entry: { kind: string; subject: string }) => [entry.kind, entry.subject]),
    // The log keeps the session id only as its keyed hash.
    expected: (shop) => [['session', subjectHash(readSubjectKey(server.db), shop.deletedSession)]],
  },
];

let server: TestServer;
let a: ShopProject;
let b: ShopProject;
/** Shop A's viewer token as a sign-in cookie (`sl_session=…`), from POST /api/login. */
let cookieA: string;

function withProject(path: string, key: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}project=${key}`;
}

function read(item: ScopedRead, path: string, headers: Record<string, string>): Promise<Response> {
  const withBody = item.body !== undefined;
  return fetch(`${server.url}${path}`, {
    method: withBody ? 'POST' : 'GET',
    headers: { ...(withBody ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: withBody ? JSON.stringify(item.body) : undefined,
  });
}

/** Reads as A's credential; checks the status and that nothing of shop B appears anywhere in the answer. */
async function readAsA(item: ScopedRead, path: string, headers: Record<string, string>): Promise<unknown> {
  const response = await read(item, path, headers);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  for (const marker of markersOf(b)) expect(text, `${item.name} leaked ${marker}`).not.toContain(marker);
  return item.pick(JSON.parse(text));
}

const credentialsOfA = () => [
  ['bearer token', { Authorization: `Bearer ${a.viewerToken}` }],
  // From the viewer's own page, as a browser sends it, so POST /api/funnels/query passes the same-origin guard.
  ['sign-in cookie', { Cookie: cookieA, Origin: server.url }],
] as const;

beforeAll(async () => {
  server = await startTestServer();
  ({ a, b } = await createTwoShops(server));
  const login = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: a.viewerToken }),
  });
  expect(login.status).toBe(200);
  expect((await login.json()) as MeResponse).toEqual({ signedIn: true, scope: 'project', role: 'read', projects: [{ key: 'shop-a', name: 'Shop A' }] });
  cookieA = login.headers.get('set-cookie')!.split(';')[0]!;
});

afterAll(async () => {
  await server?.close();
});

describe('project scope | reads', () => {
  test.each(reads)('$name: the admin sees each project with ?project=', async (item) => {
    for (const shop of [a, b]) {
      const response = await adminCall(server, item.body ? 'POST' : 'GET', item.path(shop), shop.key, item.body);
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(item.pick(JSON.parse(text))).toEqual(item.expected(shop));
    }
    // The two shops' answers differ, so the checks below tell A's data from B's.
    expect(item.expected(a)).not.toEqual(item.expected(b));
  });

  test.each(reads)("$name: A's viewer token sees A's data and nothing of B's", async (item) => {
    for (const [, headers] of credentialsOfA()) {
      expect(await readAsA(item, item.path(a), headers)).toEqual(item.expected(a));
      expect(await readAsA(item, withProject(item.path(a), 'shop-a'), headers)).toEqual(item.expected(a));
    }
  });

  test.each(reads)("$name: A's viewer token gets 404 for B's project and B's ids", async (item) => {
    for (const [, headers] of credentialsOfA()) {
      // Named, B answers exactly as a project nobody has, so a token cannot learn which projects exist.
      const named = await expectApiError(await read(item, withProject(item.path(a), 'shop-b'), headers), 404, 'unknown_project');
      const unknown = await expectApiError(await read(item, withProject(item.path(a), 'nope'), headers), 404, 'unknown_project');
      expect(named.message.replace('shop-b', 'nope')).toBe(unknown.message);
      if (item.otherShopIdAnswer) {
        const { status, code } = item.otherShopIdAnswer;
        await expectApiError(await read(item, item.path(b), headers), status, code);
      } else {
        expect(await readAsA(item, item.path(b), headers)).toEqual(item.expected(a));
      }
    }
  });

  test('GET /api/me and GET /api/projects list only the own project for a viewer token, every project for the admin', async () => {
    for (const [, headers] of credentialsOfA()) {
      const me = (await (await fetch(`${server.url}/api/me`, { headers })).json()) as MeResponse;
      expect(me).toEqual({ signedIn: true, scope: 'project', role: 'read', projects: [{ key: 'shop-a', name: 'Shop A' }] });
      const list = (await (await fetch(`${server.url}/api/projects`, { headers })).json()) as ProjectList;
      expect(list.projects.map((project) => project.key)).toEqual(['shop-a']);
    }
    const adminList = (await (await adminCall(server, 'GET', '/api/projects', 'demo')).json()) as ProjectList;
    expect(adminList.projects.map((project) => project.key)).toEqual(['demo', 'shop-a', 'shop-b']);
    const adminMe = (await (await adminCall(server, 'GET', '/api/me', 'demo')).json()) as MeResponse;
    expect(adminMe).toMatchObject({ scope: 'admin', projects: [{ key: 'demo' }, { key: 'shop-a' }, { key: 'shop-b' }] });
  });

  test('the admin without ?project= still reads the oldest project, which has no shop data', async () => {
    const response = await adminCall(server, 'GET', '/api/sessions', 'demo');
    expect(((await response.json()) as { total: number }).total).toBe(0);
  });
});

// With A's manage token: a read-only token may change none of this (test/api/roles.test.ts).
describe('project scope | deletes and settings', () => {
  const bearerA = () => ({ Authorization: `Bearer ${a.manageToken}` });
  const asA = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { ...bearerA(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test("A's manage token cannot delete B's session: 404 as an unknown id, and the session stays", async () => {
    await expectApiError(await asA('DELETE', `/api/sessions/${b.sessions[0]}`), 404, 'session_not_found');
    await expectApiError(await asA('DELETE', `/api/sessions/${b.sessions[0]}?project=shop-b`), 404, 'unknown_project');
    expect((await adminCall(server, 'GET', `/api/sessions/${b.sessions[0]}`, 'shop-b')).status).toBe(200);
  });

  test("A's manage token deletes a user only in A: B's session of the same user stays", async () => {
    await expectApiError(await asA('DELETE', `/api/users/${SHARED_USER}?project=shop-b`), 404, 'unknown_project');
    expect(await (await asA('DELETE', `/api/users/${SHARED_USER}`)).json()).toEqual({ deletedSessions: 1 });
    const inB = await (await adminCall(server, 'GET', `/api/sessions?userId=${SHARED_USER}`, 'shop-b')).json();
    expect(inB.sessions.map((session: { id: string }) => session.id)).toEqual([b.sessions.at(-1)]);
    const log = await (await adminCall(server, 'GET', '/api/deletions', 'shop-b')).json();
    expect(log.deletions).toHaveLength(1);
  });

  test("A's manage token cannot delete B's funnel, and changes only A's settings", async () => {
    await expectApiError(await asA('DELETE', `/api/funnels/${b.funnel.id}`), 404, 'funnel_not_found');
    expect((await (await adminCall(server, 'GET', '/api/funnels', 'shop-b')).json()).funnels).toHaveLength(1);

    await expectApiError(await asA('PUT', '/api/settings/retention?project=shop-b', { days: 1 }), 404, 'unknown_project');
    expect(await (await asA('PUT', '/api/settings/retention', { days: 7 })).json()).toEqual({ days: 7 });
    expect(await (await adminCall(server, 'GET', '/api/settings/retention', 'shop-b')).json()).toEqual({ days: 90 });
    expect(await (await adminCall(server, 'GET', '/api/settings/retention', 'shop-a')).json()).toEqual({ days: 7 });
  });

  test("A's manage token saves funnels into A only", async () => {
    const saved = await (await asA('POST', '/api/funnels', { name: 'Own', steps: [{ type: 'page', pattern: '/' }] })).json();
    const inA = await (await adminCall(server, 'GET', '/api/funnels', 'shop-a')).json();
    const inB = await (await adminCall(server, 'GET', '/api/funnels', 'shop-b')).json();
    expect(inA.funnels.map((funnel: { id: number }) => funnel.id)).toContain(saved.id);
    expect(inB.funnels.map((funnel: { id: number }) => funnel.id)).not.toContain(saved.id);
  });
});
