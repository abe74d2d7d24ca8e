/**
 * Every credentialed /api route of the app, as data: how to call it, what it answers once the call has passed
 * every guard, and who may make it. The access-control, same-origin and role tests walk the app's own router
 * (`registeredRoutes`) and look each route up here, so a route added later fails them until it is listed.
 */
import { createApp } from '../../server/app.ts';
import { defaultConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/storage/db.ts';
import { createSqliteStore } from '../../server/storage/store.ts';
import type { TestServer } from '../../support/server.ts';

/**
 * Who may make a call: `read` every signed-in credential; `manage` the admin and a project's manage token (a
 * read-only token gets 403 insufficient_role); `admin` the admin alone (a project token gets 403 admin_only).
 */
export type Access = 'read' | 'manage' | 'admin';

/** What the calls act on: a project the credential sees and one recorded session of it. */
export interface CallContext {
  project: string;
  sessionId: string;
}

export interface ProtectedCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route as registered, to check this list against the app's own. */
  route: string;
  /** The path to call, without `?project=`, which `callUrl` adds. */
  path: (context: CallContext) => string;
  body?: unknown;
  /** The status once every guard has let the call through: proof it reached the handler. */
  passedStatus: number;
  access: Access;
}

/** Routes a request may call without a credential; POST /api/events checks a server key itself. */
export const PUBLIC_ROUTES = ['POST /api/ingest', 'POST /api/events', 'POST /api/login', 'POST /api/logout', 'GET /api/openapi.json'];

export const protectedCalls: ProtectedCall[] = [
  { method: 'GET', route: '/api/me', path: () => '/api/me', passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/sessions', path: () => '/api/sessions', passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/sessions/:id', path: (c) => `/api/sessions/${c.sessionId}`, passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/sessions/:id/events', path: (c) => `/api/sessions/${c.sessionId}/events`, passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/sessions/:id/export', path: (c) => `/api/sessions/${c.sessionId}/export`, passedStatus: 200, access: 'read' },
  // Unknown ids: the 404 comes from the handler, and the seeded session stays for the other calls.
  { method: 'DELETE', route: '/api/sessions/:id', path: () => '/api/sessions/no-such-session', passedStatus: 404, access: 'manage' },
  { method: 'DELETE', route: '/api/users/:userId', path: () => '/api/users/nobody', passedStatus: 200, access: 'manage' },
  { method: 'GET', route: '/api/heatmaps', path: () => '/api/heatmaps?page=/', passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/heatmaps/pages', path: () => '/api/heatmaps/pages', passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/heatmaps/snapshot', path: () => '/api/heatmaps/snapshot?page=/', passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/heatmaps/errors', path: () => '/api/heatmaps/errors?page=/', passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/scrollmap', path: () => '/api/scrollmap?page=/', passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/forms', path: () => '/api/forms', passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/metrics', path: () => '/api/metrics', passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/funnels', path: () => '/api/funnels', passedStatus: 200, access: 'read' },
  {
    method: 'POST',
    route: '/api/funnels/query',
    path: () => '/api/funnels/query',
    body: { steps: [{ type: 'page', pattern: '/' }] },
    passedStatus: 200,
    access: 'read',
  },
  // Saved funnels are named views of the data, as reading is: a read-only token may save and delete them.
  {
    method: 'POST',
    route: '/api/funnels',
    path: () => '/api/funnels',
    body: { name: 'Home', steps: [{ type: 'page', pattern: '/' }] },
    passedStatus: 201,
    access: 'read',
  },
  { method: 'DELETE', route: '/api/funnels/:id', path: () => '/api/funnels/999999', passedStatus: 404, access: 'read' },
  { method: 'GET', route: '/api/settings/page-patterns', path: () => '/api/settings/page-patterns', passedStatus: 200, access: 'read' },
  {
    method: 'PUT',
    route: '/api/settings/page-patterns',
    path: () => '/api/settings/page-patterns',
    body: { patterns: [] },
    passedStatus: 200,
    access: 'manage',
  },
  { method: 'GET', route: '/api/settings/retention', path: () => '/api/settings/retention', passedStatus: 200, access: 'read' },
  {
    method: 'PUT',
    route: '/api/settings/retention',
    path: () => '/api/settings/retention',
    body: { days: null },
    passedStatus: 200,
    access: 'manage',
  },
  { method: 'GET', route: '/api/deletions', path: () => '/api/deletions', passedStatus: 200, access: 'read' },
  { method: 'GET', route: '/api/projects', path: () => '/api/projects', passedStatus: 200, access: 'read' },
  {
    method: 'PUT',
    route: '/api/projects/:key/origins',
    path: (c) => `/api/projects/${c.project}/origins`,
    body: { origins: [] },
    passedStatus: 200,
    access: 'manage',
  },
  { method: 'GET', route: '/api/settings/assets', path: () => '/api/settings/assets', passedStatus: 200, access: 'read' },
  {
    method: 'PUT',
    route: '/api/settings/assets',
    path: () => '/api/settings/assets',
    body: { mode: 'block', origins: [] },
    passedStatus: 200,
    access: 'manage',
  },
  // An unsigned URL: the 403 (asset_not_signed) comes from the handler, after the sign-in was checked.
  { method: 'GET', route: '/api/assets', path: () => '/api/assets?url=https%3A%2F%2Fcdn.example%2Fa.png', passedStatus: 403, access: 'read' },
  { method: 'POST', route: '/api/projects/:key/server-key', path: (c) => `/api/projects/${c.project}/server-key`, passedStatus: 201, access: 'admin' },
  { method: 'GET', route: '/api/webhooks', path: () => '/api/webhooks', passedStatus: 200, access: 'read' },
  {
    method: 'POST',
    route: '/api/webhooks',
    path: () => '/api/webhooks',
    body: { url: 'https://hooks.example/auth-test', events: ['rage_click'] },
    passedStatus: 201,
    access: 'manage',
  },
  { method: 'DELETE', route: '/api/webhooks/:id', path: () => '/api/webhooks/999999', passedStatus: 404, access: 'manage' },
  { method: 'POST', route: '/api/webhooks/:id/test', path: () => '/api/webhooks/999999/test', passedStatus: 404, access: 'manage' },
  { method: 'GET', route: '/api/webhooks/:id/deliveries', path: () => '/api/webhooks/999999/deliveries', passedStatus: 404, access: 'read' },
  { method: 'POST', route: '/api/projects', path: () => '/api/projects', body: { name: 'Another shop' }, passedStatus: 201, access: 'admin' },
  {
    method: 'POST',
    route: '/api/projects/:key/viewer-token',
    path: (c) => `/api/projects/${c.project}/viewer-token`,
    passedStatus: 200,
    access: 'admin',
  },
];

type Layer = { route?: { path: string; methods: object }; handle?: { stack?: unknown } };

/** `METHOD route` of every route the app registers, walking its nested routers. */
function routesOf(stack: readonly Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path}`);
    return Array.isArray(layer.handle?.stack) ? routesOf(layer.handle.stack as Layer[]) : [];
  });
}

/**
 * Every /api route of the app, from its router. Built over a throwaway database, so test.each can have the list
 * when a test file is collected, before its server starts: which routes exist does not depend on the data.
 */
export function registeredApiRoutes(): string[] {
  const db = openDatabase(':memory:');
  try {
    const app = createApp({ store: createSqliteStore(db), config: defaultConfig }) as unknown as { router: { stack: Layer[] } };
    return [...new Set(routesOf(app.router.stack))].filter((route) => route.split(' ')[1]!.startsWith('/api/'));
  } finally {
    db.close();
  }
}

/** Methods that never change state; every other method of every route is what the same-origin guard checks. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The app's credentialed routes that change state, as `METHOD route`. */
export function stateChangingRoutes(): string[] {
  return registeredApiRoutes().filter((route) => !SAFE.has(route.split(' ')[0]!) && !PUBLIC_ROUTES.includes(route));
}

/** The table's entry for `METHOD route`; undefined when the route is missing from the table. */
export function callFor(route: string): ProtectedCall | undefined {
  return protectedCalls.find((call) => `${call.method} ${call.route}` === route);
}

/** The URL of a call on `server`, with `?project=` so the admin and a project's token act on the same project. */
export function callUrl(server: TestServer, call: ProtectedCall, context: CallContext): string {
  const url = new URL(`${server.url}${call.path(context)}`);
  url.searchParams.set('project', context.project);
  return url.toString();
}

/** Makes the call with fetch, adding `headers` (a credential, an Origin). */
export function makeCall(server: TestServer, call: ProtectedCall, context: CallContext, headers: Record<string, string> = {}): Promise<Response> {
  const withBody = call.body !== undefined;
  return fetch(callUrl(server, call, context), {
    method: call.method,
    headers: { ...(withBody ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: withBody ? JSON.stringify(call.body) : undefined,
  });
}
