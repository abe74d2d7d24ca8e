/**
 * The asset proxy cannot be pointed inward: every internal spelling of the shared table is refused as an asset
 * origin when saved (400) and at fetch (403 asset_forbidden_address, no request to the host), project (ingest)
 * origins included, as is a redirect hop, a host whose DNS moves inward after it was saved and one that rebinds
 * between the check and the connection. The allow-list lets a listed internal host through and nothing else.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Config } from '../../server/config.ts';
import type { Resolver } from '../../server/outbound/policy.ts';
import { PIXEL_PNG, signedAssetPath, startAssetHost, type AssetHost } from '../../support/asset-host.ts';
import { findFreePort } from '../helpers/child-server.ts';
import { INTERNAL_NAMES, INTERNAL_TARGETS } from '../helpers/internal-targets.ts';
import { changingResolver, PUBLIC_TEST_ADDRESS, testResolver } from '../../support/outbound.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError } from './support.ts';

function serveAssets(port: () => number) {
  return (req: { url?: string }, res: ServerResponse) => {
    if (req.url === '/to-v6.png') return void res.writeHead(302, { Location: `http://[::1]:${port()}/img.png` }).end();
    res.writeHead(200, { 'Content-Type': 'image/png' }).end(PIXEL_PNG);
  };
}

function client(server: TestServer) {
  return {
    /** GET /api/assets for the URL, signed as the events routes sign it. */
    asset: async (url: string) => adminFetch(`${server.url}${await signedAssetPath(server.store, url)}`),
    putAssets: (origins: string[]) =>
      adminFetch(`${server.url}/api/settings/assets`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ mode: 'proxy', origins }),
      }),
    /** Sets the policy as an older server could have saved it, without the check. */
    async storeAssets(origins: string[], mode: 'public' | 'proxy' = 'proxy') {
      const { id } = server.db.prepare("SELECT id FROM projects WHERE key = 'demo'").get() as { id: number };
      expect(await server.store.setAssetPolicy(id, { mode, origins })).toBe(true);
    },
  };
}

describe('asset proxy | internal hosts refused by default', () => {
  let server: TestServer;
  let host: AssetHost;
  let api: ReturnType<typeof client>;
  const moving = changingResolver([PUBLIC_TEST_ADDRESS], ['127.0.0.1']);
  const vanishing = changingResolver([PUBLIC_TEST_ADDRESS], []);

  beforeAll(async () => {
    // Every local address, IPv4 and IPv6: a spelling that slipped through would reach it.
    host = await startAssetHost(serveAssets(() => host.port), '::');
    const names = testResolver(INTERNAL_NAMES);
    const special: Record<string, Resolver> = { 'moving-cdn.example': moving, 'vanishing-cdn.example': vanishing };
    server = await startTestServer({}, { resolveHost: (name) => (special[name] ?? names)(name) });
    api = client(server);
  });
  afterAll(async () => {
    await server.close();
    await host.close();
  });

  test.each(INTERNAL_TARGETS.map((target) => [target.label, target.host] as const))('PUT /api/settings/assets refuses %s with 400 forbidden_address', async (_label, spelled) => {
    const error = await expectApiError(await api.putAssets(['https://cdn.shop.example', `http://${spelled}:${host.port}`]), 400, 'forbidden_address');
    expect(error.message).toMatch(/^origins\[1\]: /);
    expect(host.hits).toEqual([]);
  });

  test('PUT refuses an origin that does not resolve with 400 unresolvable_host, and keeps the saved policy', async () => {
    expect((await api.putAssets(['https://cdn.shop.example'])).status).toBe(200);
    const other = await startTestServer({}, { resolveHost: testResolver({ 'gone.example': [] }) });
    try {
      await expectApiError(await client(other).putAssets(['https://gone.example']), 400, 'unresolvable_host');
    } finally {
      await other.close();
    }
    await expectApiError(await api.putAssets(['https://cdn.shop.example', 'http://127.0.0.1']), 400, 'forbidden_address');
    const saved = (await (await adminFetch(`${server.url}/api/settings/assets`)).json()) as { origins: string[] };
    expect(saved.origins).toEqual(['https://cdn.shop.example']);
  });

  test('GET /api/assets refuses every internal spelling again at fetch: 403 asset_forbidden_address, no request', async () => {
    const urls = INTERNAL_TARGETS.map(({ host: spelled }) => new URL(`http://${spelled}:${host.port}/img.png`));
    await api.storeAssets([...new Set(urls.map((url) => url.origin))]);
    for (const [index, url] of urls.entries()) {
      const response = await api.asset(url.href);
      const label = INTERNAL_TARGETS[index]!.label;
      expect({ label, status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code }).toEqual({
        label,
        status: 403,
        code: 'asset_forbidden_address',
      });
    }
    expect(host.hits).toEqual([]);
  });

  test('in public mode (any host) every internal spelling and name is refused at fetch the same way, no request', async () => {
    await api.storeAssets([], 'public');
    const hosts = [...INTERNAL_TARGETS.map(({ label, host: spelled }) => ({ label, spelled })), ...Object.keys(INTERNAL_NAMES).map((name) => ({ label: name, spelled: name }))];
    for (const { label, spelled } of hosts) {
      const response = await api.asset(`http://${spelled}:${host.port}/img.png`);
      const code = ((await response.json()) as { error: { code: string } }).error.code;
      expect({ label, status: response.status, code }).toEqual({ label, status: 403, code: 'asset_forbidden_address' });
    }
    expect(host.hits).toEqual([]);
  });

  test("a project's ingest origin on loopback may be saved, but the proxy does not fetch from it", async () => {
    await api.storeAssets([]);
    const origins = await adminFetch(`${server.url}/api/projects/demo/origins`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ origins: [host.url] }),
    });
    expect(origins.status).toBe(200);
    await expectApiError(await api.asset(`${host.url}/img.png`), 403, 'asset_forbidden_address');
    expect(host.hits).toEqual([]);
    await adminFetch(`${server.url}/api/projects/demo/origins`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{"origins":[]}' });
  });

  test('the refusal is the same whether something listens at the address or not', async () => {
    const closed = `http://127.0.0.1:${await findFreePort()}`;
    await api.storeAssets([host.url, closed]);
    const answers = await Promise.all([`${host.url}/img.png`, `${closed}/img.png`].map(async (url) => {
      const response = await api.asset(url);
      return { status: response.status, body: await response.json() };
    }));
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]!.status).toBe(403);
  });

  test('a host whose DNS moves to loopback after it was saved is refused at fetch', async () => {
    const origin = `http://moving-cdn.example:${host.port}`;
    expect((await api.putAssets([origin])).status).toBe(200);
    await expectApiError(await api.asset(`${origin}/img.png`), 403, 'asset_forbidden_address');
    expect(moving.calls).toHaveLength(2);
    expect(host.hits).toEqual([]);
  });

  test('a host that stops resolving after it was saved answers 502 asset_unresolvable', async () => {
    const origin = `http://vanishing-cdn.example:${host.port}`;
    expect((await api.putAssets([origin])).status).toBe(200);
    await expectApiError(await api.asset(`${origin}/img.png`), 502, 'asset_unresolvable');
    expect(host.hits).toEqual([]);
  });
});

describe('asset proxy | the allow-list, redirects and rebinding', () => {
  const servers: TestServer[] = [];
  let everywhere: AssetHost;
  let loopbackOnly: AssetHost;
  async function serverAllowing(allow: string[], resolveHost: Resolver = testResolver(INTERNAL_NAMES)): Promise<TestServer> {
    const overrides: Partial<Config> = { outbound: { allow } };
    const server = await startTestServer(overrides, { resolveHost });
    servers.push(server);
    return server;
  }
  beforeAll(async () => {
    everywhere = await startAssetHost(serveAssets(() => everywhere.port), '::');
    loopbackOnly = await startAssetHost(serveAssets(() => loopbackOnly.port));
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await everywhere.close();
    await loopbackOnly.close();
  });

  test('an allowed address is fetched from; the same host by another address is not', async () => {
    const api = client(await serverAllowing(['127.0.0.1']));
    const v6 = `http://[::1]:${everywhere.port}`;
    expect((await api.putAssets([everywhere.url])).status).toBe(200);
    await expectApiError(await api.putAssets([everywhere.url, v6]), 400, 'forbidden_address');
    const fetched = await api.asset(`${everywhere.url}/img.png`);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(PIXEL_PNG)).toBe(true);

    // A redirect to an allowed origin whose address is not allowed: the hop is checked again and not requested.
    await api.storeAssets([everywhere.url, v6]);
    await expectApiError(await api.asset(`${everywhere.url}/to-v6.png`), 403, 'asset_forbidden_address');
    await expectApiError(await api.asset(`${v6}/img.png`), 403, 'asset_forbidden_address');
    expect(everywhere.hits).toEqual(['/img.png', '/to-v6.png']);
  });

  test('a host that rebinds between the check and the connection is fetched from the checked address only', async () => {
    // As for webhooks: 127.0.0.2 stands for the public first answer; the host listens on 127.0.0.1 only, the answer
    // to every lookup after the check. Pinned, the proxy connects to 127.0.0.2, where nothing listens.
    const rebinding = changingResolver(['127.0.0.2'], ['127.0.0.2'], ['127.0.0.1']);
    const api = client(await serverAllowing(['127.0.0.2'], rebinding));
    const origin = `http://rebind-cdn.example:${loopbackOnly.port}`;
    expect((await api.putAssets([origin])).status).toBe(200);
    const error = await expectApiError(await api.asset(`${origin}/img.png`), 502, 'asset_unreachable');
    expect(error.message).toContain('ECONNREFUSED');
    expect(rebinding.calls).toHaveLength(2);
    expect(loopbackOnly.hits).toEqual([]);
  });
});
