/**
 * GET /api/assets against a real local "store asset host": what it serves, what it refuses and why, and how often
 * it calls the host. A second host stands for every origin the project has not allowed. Every URL asked for is
 * signed as the events routes sign it, except where a test is about the signature.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signedAssetPath, startAssetHost, PIXEL_PNG, type AssetHost } from '../../support/asset-host.ts';
import { ALLOW_LOCAL_RECEIVERS } from '../../support/outbound.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError } from './support.ts';

const LIMITS = { maxBytes: 64 * 1024, timeoutMs: 800, cacheTtlMs: 60_000, cacheMaxBytes: 1024 * 1024 };
const WOFF2 = Buffer.concat([Buffer.from('wOF2'), Buffer.alloc(60, 1)]);

/** Upper case for lower and lower for upper: the same letters, another signature. */
const flipCase = (text: string) => [...text].map((char) => (char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase())).join('');

/** The endless response: how much it wrote and whether the proxy hung up on it. */
const endless = { written: 0, closed: false };

function streamForever(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'image/png' });
  res.on('close', () => (endless.closed = true));
  const chunk = Buffer.alloc(16 * 1024, 0x41);
  const pump = () => {
    // A safety stop, far past the cap, so a broken proxy fails the test instead of hanging it.
    while (!res.destroyed && endless.written < 256 * 1024 * 1024) {
      endless.written += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

describe('GET /api/assets', () => {
  let server: TestServer;
  let cdn: AssetHost;
  let foreign: AssetHost;

  const asset = async (url: string, project = 'demo') => adminFetch(`${server.url}${await signedAssetPath(server.store, url, project)}`);
  const unsigned = (query: Record<string, string>) => adminFetch(`${server.url}/api/assets?${new URLSearchParams(query)}`);
  const setPolicy = (mode: 'public' | 'proxy' | 'block', origins: string[], project = 'demo') =>
    adminFetch(`${server.url}/api/settings/assets?project=${project}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ mode, origins }),
    });

  beforeAll(async () => {
    foreign = await startAssetHost((_req, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(PIXEL_PNG));
    cdn = await startAssetHost((req, res) => {
      const path = req.url ?? '';
      if (['/img.png', '/cached.png', '/img/bg.png', '/unsigned.png'].includes(path)) return void res.writeHead(200, { 'Content-Type': 'image/png' }).end(PIXEL_PNG);
      if (path === '/page.html') return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<script>alert(1)</script>');
      if (path === '/app.js') return void res.writeHead(200, { 'Content-Type': 'application/javascript' }).end('alert(1)');
      if (path === '/font.bin') return void res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(WOFF2);
      if (path === '/endless.png') return streamForever(res);
      if (path === '/declared-huge.png') return void res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(10 * 1024 * 1024) }).write('x');
      if (path === '/stall-headers.png') return;
      if (path === '/stall-body.png') return void res.writeHead(200, { 'Content-Type': 'image/png' }).write(PIXEL_PNG.subarray(0, 8));
      if (path === '/to-foreign.png') return void res.writeHead(302, { Location: `${foreign.url}/x.png` }).end();
      if (path === '/to-img.png') return void res.writeHead(301, { Location: '/img.png' }).end();
      const hop = /^\/loop\/(\d+)$/.exec(path);
      if (hop) return void res.writeHead(302, { Location: `/loop/${Number(hop[1]) + 1}` }).end();
      if (path === '/css/site.css') {
        const css = `@import "part.css";\nbody{background:url(../img/bg.png)}\n@font-face{src:url('/fonts/f.woff2')}\na{background:url(${foreign.url}/x.png)} u{mask:url(#m)}`;
        return void res.writeHead(200, { 'Content-Type': 'text/css; charset=utf-8' }).end(css);
      }
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    });
    server = await startTestServer({ assetProxy: LIMITS, ...ALLOW_LOCAL_RECEIVERS });
    server.db.prepare("INSERT INTO projects (key, name, created_at, asset_mode) VALUES ('shop-2', 'Second shop', 0, 'block')").run();
    server.db.prepare("INSERT INTO projects (key, name, created_at) VALUES ('shop-3', 'Third shop', 0)").run();
    expect((await setPolicy('proxy', [cdn.url])).status).toBe(200);
  });

  afterAll(async () => {
    await server?.close();
    await cdn?.close();
    await foreign?.close();
  });

  test('serves an image with nosniff, a sandboxing CSP and a private Cache-Control', async () => {
    const response = await asset(`${cdn.url}/img.png`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(PIXEL_PNG)).toBe(true);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect(response.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
  });

  test('serves a cached asset without a second upstream request', async () => {
    for (let round = 0; round < 3; round++) expect((await asset(`${cdn.url}/cached.png`)).status).toBe(200);
    expect(cdn.count('/cached.png')).toBe(1);
  });

  test('concurrent requests for one asset share one upstream request', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => asset(`${cdn.url}/font.bin`)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    // Served as the font its bytes are, though the host called it octet-stream.
    expect(answers[0]!.headers.get('content-type')).toBe('font/woff2');
    expect(cdn.count('/font.bin')).toBe(1);
  });

  test('refuses a host the project has not allowed, before any request to it', async () => {
    await expectApiError(await asset(`${foreign.url}/x.png`), 403, 'asset_host_not_allowed');
    await expectApiError(await asset(`${cdn.url.replace('127.0.0.1', 'localhost')}/img.png`), 403, 'asset_host_not_allowed');
    expect(foreign.hits).toEqual([]);
  });

  test.each([
    ['a relative URL', '/img.png'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:image/png;base64,AAAA'],
    ['credentials in the URL', 'http://user:pw@127.0.0.1/img.png'],
  ])('answers 400 to %s', async (_name, url) => {
    await expectApiError(await asset(url), 400, 'invalid_query');
  });

  test('answers 400 without a url, and 404 for an unknown project', async () => {
    await expectApiError(await adminFetch(`${server.url}/api/assets`), 400, 'invalid_query');
    await expectApiError(await asset(`${cdn.url}/img.png`, 'no-such-project'), 404, 'unknown_project');
  });

  test('needs a sign-in like every read', async () => {
    const response = await fetch(`${server.url}${await signedAssetPath(server.store, `${cdn.url}/img.png`)}`);
    await expectApiError(response, 401, 'login_required');
  });

  describe('only URLs Sightline signed for the project', () => {
    const url = () => `${cdn.url}/unsigned.png`;
    const signatureOf = async (target: string, project = 'demo') =>
      new URLSearchParams((await signedAssetPath(server.store, target, project)).split('?')[1]).get('sig')!;

    test.each<[string, () => Promise<Record<string, string>>]>([
      ['no signature', async () => ({ url: url() })],
      ['an empty signature', async () => ({ url: url(), sig: '' })],
      ['a made-up signature', async () => ({ url: url(), sig: 'A'.repeat(22) })],
      ["another URL's signature", async () => ({ url: url(), sig: await signatureOf(`${cdn.url}/img.png`) })],
      ["another project's signature", async () => ({ project: 'demo', url: url(), sig: await signatureOf(url(), 'shop-3') })],
      ['its signature cut short', async () => ({ url: url(), sig: (await signatureOf(url())).slice(0, -1) })],
      ['its signature in other letter case', async () => ({ url: url(), sig: flipCase(await signatureOf(url())) })],
      ['a signed URL with its query changed', async () => ({ url: `${url()}?v=2`, sig: await signatureOf(url()) })],
    ])('refuses %s with 403 asset_not_signed and no request', async (_name, query) => {
      const before = cdn.hits.length;
      await expectApiError(await unsigned(await query()), 403, 'asset_not_signed');
      expect(cdn.hits.length).toBe(before);
    });

    test('serves the same URL once signed', async () => {
      expect((await asset(url())).status).toBe(200);
      expect(cdn.count('/unsigned.png')).toBe(1);
    });
  });

  test.each([
    ['HTML', '/page.html'],
    ['a script', '/app.js'],
  ])('refuses %s with 502 asset_type_refused', async (_name, path) => {
    await expectApiError(await asset(`${cdn.url}${path}`), 502, 'asset_type_refused');
  });

  test('cuts a body that grows past the cap while it streams', async () => {
    const error = await expectApiError(await asset(`${cdn.url}/endless.png`), 502, 'asset_too_large');
    expect(error.message).toContain(String(LIMITS.maxBytes));
    // The proxy hung up on the host: the endless response was closed from our side, far before its safety stop.
    await expect.poll(() => endless.closed).toBe(true);
    expect(endless.written).toBeLessThan(256 * 1024 * 1024);
  });

  test('refuses a declared Content-Length over the cap without reading the body', async () => {
    await expectApiError(await asset(`${cdn.url}/declared-huge.png`), 502, 'asset_too_large');
  });

  test.each([
    ['no answer at all', '/stall-headers.png'],
    ['a body that never ends', '/stall-body.png'],
  ])('times out on %s with 504 asset_timeout', async (_name, path) => {
    await expectApiError(await asset(`${cdn.url}${path}`), 504, 'asset_timeout');
  });

  test('refuses a redirect to a host that is not allowed, without following it', async () => {
    await expectApiError(await asset(`${cdn.url}/to-foreign.png`), 502, 'asset_redirect_not_allowed');
    expect(foreign.hits).toEqual([]);
  });

  test('follows a redirect on an allowed origin, and at most 3', async () => {
    const followed = await asset(`${cdn.url}/to-img.png`);
    expect(followed.status).toBe(200);
    expect(Buffer.from(await followed.arrayBuffer()).equals(PIXEL_PNG)).toBe(true);
    await expectApiError(await asset(`${cdn.url}/loop/0`), 502, 'asset_too_many_redirects');
    expect(cdn.hits.filter((hit) => hit.startsWith('/loop/'))).toEqual(['/loop/0', '/loop/1', '/loop/2', '/loop/3']);
  });

  test('answers 502 asset_upstream_status when the host answers an error', async () => {
    const error = await expectApiError(await asset(`${cdn.url}/missing.png`), 502, 'asset_upstream_status');
    expect(error.message).toContain('404');
  });

  test('serves CSS with its url()s and @imports resolved against the CSS URL and pointed at the proxy', async () => {
    const response = await asset(`${cdn.url}/css/site.css`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const proxied = (url: string) => signedAssetPath(server.store, url);
    expect(await response.text()).toBe(
      `@import "${await proxied(`${cdn.url}/css/part.css`)}";\n` +
        `body{background:url("${await proxied(`${cdn.url}/img/bg.png`)}")}\n` +
        `@font-face{src:url("${await proxied(`${cdn.url}/fonts/f.woff2`)}")}\n` +
        `a{background:url(${foreign.url}/x.png)} u{mask:url(#m)}`,
    );
  });

  test('a new project proxies from any host the outbound policy lets through, redirects included (public mode)', async () => {
    const settings = (await (await adminFetch(`${server.url}/api/settings/assets?project=shop-3`)).json()) as { mode: string };
    expect(settings.mode).toBe('public');
    expect((await asset(`${foreign.url}/x.png`, 'shop-3')).status).toBe(200);
    expect(foreign.count('/x.png')).toBe(1);
    // The demo project (proxy mode, the CDN listed) still refuses the foreign host, even once it is cached.
    await expectApiError(await asset(`${foreign.url}/x.png`), 403, 'asset_host_not_allowed');
    // A redirect to another host is followed: each hop still goes through the outbound policy.
    const redirected = await asset(`${cdn.url}/to-foreign.png`, 'shop-3');
    expect(redirected.status).toBe(200);
    expect(foreign.hits.at(-1)).toBe('/x.png');
  });

  test("counts the project's allowed ingest origins as asset origins", async () => {
    await expectApiError(await asset(`${cdn.url}/img.png`, 'shop-2'), 403, 'assets_blocked');
    expect((await setPolicy('proxy', [], 'shop-2')).status).toBe(200);
    await expectApiError(await asset(`${cdn.url}/img.png`, 'shop-2'), 403, 'asset_host_not_allowed');
    const origins = await adminFetch(`${server.url}/api/projects/shop-2/origins`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ origins: [cdn.url] }),
    });
    expect(origins.status).toBe(200);
    expect((await asset(`${cdn.url}/img.png`, 'shop-2')).status).toBe(200);
  });

  test('serves nothing once the project blocks assets again, cached or not', async () => {
    expect((await setPolicy('block', [cdn.url])).status).toBe(200);
    const before = cdn.hits.length;
    await expectApiError(await asset(`${cdn.url}/cached.png`), 403, 'assets_blocked');
    await expectApiError(await asset(`${cdn.url}/never-fetched.png`), 403, 'assets_blocked');
    expect(cdn.hits.length).toBe(before);
  });
});
