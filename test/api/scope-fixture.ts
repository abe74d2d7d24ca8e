/**
 * Two shops in one Sightline, for the access-control tests: projects created through POST /api/projects, visits
 * ingested through POST /api/ingest, and a saved funnel, page patterns, a retention period and a deletion in each,
 * all set by the admin with `?project=`. Both shops record the same pages (`/`, `/product/:id`, `/checkout`), so a
 * read that forgets the project mixes them; each also has its own button, form, page and order value to tell them
 * apart.
 */
import { expect } from 'vitest';
import type { ProjectCredentials } from '../../contract/access.ts';
import type { SavedFunnel } from '../../contract/insights.ts';
import { adminFetch, type TestServer } from '../../support/server.ts';
import { visit } from './shop-events.ts';
import { ingest, makeBatch, newId } from './support.ts';

/** Sessions start here; the second shop's a minute later each, so an unfiltered "latest" would be its. */
export const SHOP_START = Date.UTC(2026, 0, 5, 10);
/** A button both shops have: its replay link must lead to the asking project's own latest click. */
export const COMMON_BUTTON = '#cart-link';
/** An element both shops have that does nothing when clicked. */
export const DEAD_BUTTON = '#banner';
/** The user id both shops identify a visitor with, to check that deleting a user stays inside one project. */
export const SHARED_USER = 'shared-user';

export interface ShopProject {
  key: string;
  name: string;
  /** Its read-only viewer token and its manage token. */
  viewerToken: string;
  manageToken: string;
  /** Visible sessions, oldest first. */
  sessions: string[];
  /** Its own button, form and page: they appear in no other project's data. */
  button: string;
  form: string;
  onlyPage: string;
  /** The add_to_cart value of every session. */
  cartValue: number;
  funnel: SavedFunnel;
  patterns: string[];
  retentionDays: number;
  /** Its asset host (proxy mode) and webhook URL: settings of this project alone. */
  assetOrigin: string;
  webhookUrl: string;
  /** The session deleted before the tests, the one line of its deletion log. */
  deletedSession: string;
}

/** A JSON request as the admin, to `path` with `?project=key` added. */
export function adminCall(server: TestServer, method: string, path: string, key: string, body?: unknown): Promise<Response> {
  const url = new URL(`${server.url}${path}`);
  url.searchParams.set('project', key);
  const headers: Record<string, string> = body === undefined ? {} : { 'Content-Type': 'application/json' };
  return adminFetch(url.toString(), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function json<T>(response: Response, status = 200): Promise<T> {
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body as T;
}

async function recordVisit(server: TestServer, shop: Omit<ShopProject, 'sessions' | 'funnel' | 'deletedSession' | 'assetOrigin' | 'webhookUrl'>, start: number, userId?: string) {
  const sessionId = newId();
  const v = visit(start);
  const events = [
    ...v.load(0, '/'),
    ...v.load(1000, '/product/7'),
    v.click(1500, shop.button),
    v.mutation(1600),
    v.click(1800, COMMON_BUTTON),
    v.mutation(1900),
    v.track(1700, 'add_to_cart', { value: shop.cartValue }),
    ...v.load(3000, shop.onlyPage),
    ...v.load(4000, '/checkout'),
    v.field(4500, 'focus', '#email', shop.form),
    v.field(5000, 'change', '#email', shop.form),
    ...(userId ? [{ type: 5, data: { tag: 'sl:identify', payload: { userId, traits: {} } }, timestamp: v.ts(5500) }] : []),
    // Nothing answers this click: a dead click, whose replay link comes from the signals table.
    v.click(6000, DEAD_BUTTON),
    v.track(8000, 'left_idle'),
  ];
  await ingest(server.url, makeBatch(events, { project: shop.key, sessionId }));
  return sessionId;
}

/**
 * Creates a project with `visits` recorded sessions (the last one identified as SHARED_USER) and its settings,
 * as an operator would through the API.
 */
export async function createShop(
  server: TestServer,
  shop: { key: string; name: string; button: string; form: string; onlyPage: string; cartValue: number; retentionDays: number },
  visits: number,
  firstStart: number,
): Promise<ShopProject> {
  const created = await json<ProjectCredentials>(
    await adminFetch(`${server.url}/api/projects`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: shop.name, key: shop.key }),
    }),
    201,
  );
  const manage = await json<ProjectCredentials>(
    await adminFetch(`${server.url}/api/projects/${shop.key}/viewer-token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'manage' }),
    }),
  );
  const patterns = [`/${shop.key}/*`];
  const base = { ...shop, viewerToken: created.viewerToken, manageToken: manage.viewerToken, patterns };
  const sessions: string[] = [];
  for (let index = 0; index < visits; index++) {
    const start = firstStart + index * 120_000;
    sessions.push(await recordVisit(server, base, start, index === visits - 1 ? SHARED_USER : undefined));
  }
  const deletedSession = await recordVisit(server, base, firstStart - 600_000);
  expect((await adminCall(server, 'DELETE', `/api/sessions/${deletedSession}`, shop.key)).status).toBe(204);

  const funnel = await json<SavedFunnel>(
    await adminCall(server, 'POST', '/api/funnels', shop.key, {
      name: `Funnel ${shop.name}`,
      steps: [{ type: 'page', pattern: '/product/*' }],
    }),
    201,
  );
  await json(await adminCall(server, 'PUT', '/api/settings/page-patterns', shop.key, { patterns }));
  await json(await adminCall(server, 'PUT', '/api/settings/retention', shop.key, { days: shop.retentionDays }));
  const assetOrigin = `https://cdn.${shop.key}.example`;
  await json(await adminCall(server, 'PUT', '/api/settings/assets', shop.key, { mode: 'proxy', origins: [assetOrigin] }));
  const webhookUrl = `https://hooks.${shop.key}.example/sightline`;
  await json(await adminCall(server, 'POST', '/api/webhooks', shop.key, { url: webhookUrl, events: ['rage_click'] }), 201);
  return { ...base, sessions, funnel, deletedSession, assetOrigin, webhookUrl };
}

/** Shop A (one visit) and shop B (two visits, each a minute after A's), in that order after the demo project. */
export async function createTwoShops(server: TestServer): Promise<{ a: ShopProject; b: ShopProject }> {
  const a = await createShop(
    server,
    { key: 'shop-a', name: 'Shop A', button: '#buy-a', form: '#checkout-a', onlyPage: '/only-a', cartValue: 10, retentionDays: 30 },
    1,
    SHOP_START,
  );
  const b = await createShop(
    server,
    { key: 'shop-b', name: 'Shop B', button: '#buy-b', form: '#checkout-b', onlyPage: '/only-b', cartValue: 500, retentionDays: 90 },
    2,
    SHOP_START + 60_000,
  );
  return { a, b };
}

/** Strings found only in this shop's data: none of them may appear in an answer to another project's token. */
export function markersOf(shop: ShopProject): string[] {
  return [...shop.sessions, shop.deletedSession, shop.button, shop.form, shop.onlyPage, shop.funnel.name, ...shop.patterns, shop.assetOrigin, shop.webhookUrl];
}
