/**
 * Replays look like the store out of the box (issue 14), in real Chromium. A store page on its own origin keeps its
 * stylesheet on a static host, whose CSS names a web font on a font host, and its product image on an image CDN:
 * four origins, none of them Sightline's. The page is visited with the recorder embedded and replayed in the viewer:
 * - in a project made now, with no setting changed, all three files show, each fetched by Sightline's proxy and the
 *   browser calling no other host;
 * - in a project set to `block`, none shows and no host hears of the replay, from the browser or from Sightline;
 * - a recording that names loopback and private addresses (not allow-listed) makes the proxy fetch nothing;
 * - the demo store, on Sightline's own (loopback) origin, replays in a new database's demo project with its pictures
 *   loaded from Sightline directly: the proxy, which would refuse a loopback address, is not asked for them.
 * The store's hosts listen on other loopback addresses (127.0.0.2–5), which SIGHTLINE_OUTBOUND_ALLOW lets the proxy
 * reach as it would reach public hosts; 127.0.0.1 and ::1 stay internal.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AssetSettingsResponse, SessionList } from '../../contract/api.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { flushRecorder } from '../../demo/human.ts';
import { ingest, makeBatch, newId } from '../api/support.ts';
import { PIXEL_PNG, setAssetMode, startAssetHost, type AssetHost } from '../../support/asset-host.ts';
import { launchChromium } from '../../support/browser.ts';
import { INTERNAL_NAMES } from '../helpers/internal-targets.ts';
import { testResolver } from '../../support/outbound.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { documentOf, el, text } from '../helpers/snapshot-nodes.ts';

const fixtures = fileURLToPath(new URL('../fixtures/pages/', import.meta.url));
const STORE_PAGE = readFileSync(`${fixtures}cross-host-store/index.html`, 'utf8');
const STORE_CSS = readFileSync(`${fixtures}cross-host-store/site.css`, 'utf8');
const FONT = readFileSync(`${fixtures}cdn/pacifico/pacifico-latin-400-normal.woff2`);
const FONT_PATH = '/fonts/pacifico-latin-400-normal.woff2';

/** The store's four origins: each its own loopback address, all on the proxy's allow-list. */
const ADDRESSES = { store: '127.0.0.2', images: '127.0.0.3', styles: '127.0.0.4', fonts: '127.0.0.5' } as const;
const PROXY_AGENT = 'Sightline-asset-proxy';
/** How long after the page has rebuilt the test waits for any late asset request before counting, ms. */
const SETTLE_MS = 1_500;

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);

/** The requests a host received from Sightline's proxy, by path. */
const proxied = (host: AssetHost) => host.hits.filter((_, index) => host.userAgents[index] === PROXY_AGENT);

describe('e2e | a store on other hosts replays with its image, web font and stylesheet', () => {
  let server: TestServer;
  let browser: Browser;
  let store: AssetHost;
  let images: AssetHost;
  let styles: AssetHost;
  let fonts: AssetHost;
  /** Every local address on one port, IPv4 and IPv6: where the internal URLs of the forged recording point. */
  let internal: AssetHost;

  beforeAll(async () => {
    images = await startAssetHost((req, res) => {
      if (req.url === '/images/shoe.png') return void res.writeHead(200, { 'Content-Type': 'image/png' }).end(PIXEL_PNG);
      res.writeHead(404).end();
    }, ADDRESSES.images);
    fonts = await startAssetHost((req, res) => {
      // A font service answers every origin, as the live page (on the store's origin) needs.
      if (req.url === FONT_PATH) return void res.writeHead(200, { 'Content-Type': 'font/woff2', 'Access-Control-Allow-Origin': '*' }).end(FONT);
      res.writeHead(404).end();
    }, ADDRESSES.fonts);
    styles = await startAssetHost((req, res) => {
      if (req.url === '/css/site.css') return void res.writeHead(200, { 'Content-Type': 'text/css' }).end(fill(STORE_CSS, { FONT_HOST: fonts.url }));
      res.writeHead(404).end();
    }, ADDRESSES.styles);
    internal = await startAssetHost((_req, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(PIXEL_PNG), '::');
    // /demo/ serves the fixtures' placeholder pictures: a demo store with images on Sightline's own origin.
    server = await startTestServer(
      { outbound: { allow: Object.values(ADDRESSES) }, demoDir: `${fixtures}cdn` },
      { resolveHost: testResolver(INTERNAL_NAMES) },
    );
    store = await startAssetHost((req, res) => {
      const project = new URL(req.url ?? '/', 'http://store').searchParams.get('project') ?? '';
      const script = `<script src="${server.url}/recorder.js" data-project="${project}"></script>`;
      const html = fill(STORE_PAGE, { STYLE_HOST: styles.url, IMAGE_HOST: images.url, SCRIPT: script });
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    }, ADDRESSES.store);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const host of [store, images, styles, fonts, internal]) await host?.close();
  });

  async function createProject(key: string): Promise<void> {
    const response = await adminFetch(`${server.url}/api/projects`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `Store ${key}`, key }),
    });
    expect(response.status).toBe(201);
  }

  const settingsOf = async (project: string) =>
    (await (await adminFetch(`${server.url}/api/settings/assets?project=${project}`)).json()) as AssetSettingsResponse;

  /** What the page shows of the three files, read in the live page or the replay's frame. */
  function shownAssets(frame: Pick<Page | FrameLocator, 'locator'>) {
    const read = (selector: string) => frame.locator(selector);
    return {
      image: () => read('#product').evaluate((image: HTMLImageElement) => image.naturalWidth),
      styled: () => read('#note').evaluate((note) => getComputedStyle(note).color === 'rgb(0, 128, 0)'),
      font: () =>
        read('#brand').evaluate((brand) =>
          [...brand.ownerDocument.fonts].some((face) => face.family.replace(/["']/g, '') === 'Store Brand' && face.status === 'loaded'),
        ),
    };
  }

  /** A shopper views the product page on the store's origin; returns the session id once Sightline has it. */
  async function visitStore(project: string): Promise<string> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${store.url}/?project=${project}`, { waitUntil: 'domcontentloaded' });
    // The live page has all three: what the replay should show.
    const live = shownAssets(page);
    await expect.poll(live.image).toBeGreaterThan(0);
    await expect.poll(live.styled).toBe(true);
    await expect.poll(live.font).toBe(true);
    expect(await flushRecorder(page)).toBe(true);
    await context.close();
    const list = (await (await adminFetch(`${server.url}/api/sessions?project=${project}`)).json()) as SessionList;
    expect(list.sessions).toHaveLength(1);
    return list.sessions[0]!.id;
  }

  /** The replay, signed in, with every http(s) URL the page (or its frames) asked for and each /api/assets answer. */
  async function openReplay(project: string, sessionId: string, readySelector: string) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await server.signIn(context);
    const page = await context.newPage();
    const requests: string[] = [];
    const assetAnswers: number[] = [];
    page.on('request', (request) => {
      if (/^https?:/.test(request.url())) requests.push(request.url());
    });
    page.on('response', (response) => {
      if (response.url().includes('/api/assets?')) assetAnswers.push(response.status());
    });
    await page.goto(`${server.url}/?project=${project}#/sessions/${sessionId}`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor();
    const frame = page.frameLocator('[data-testid="player"] iframe');
    await frame.locator(readySelector).waitFor();
    return { page, context, frame, requests, assetAnswers, elsewhere: () => requests.filter((url) => !url.startsWith(server.url)) };
  }

  test('block: the replay shows none of the three, and no host hears of it', async () => {
    await createProject('blocked-store');
    await setAssetMode(server.url, 'block', { project: 'blocked-store' });
    const sessionId = await visitStore('blocked-store');
    const before = [images, styles, fonts, store].map((host) => host.hits.length);

    const replay = await openReplay('blocked-store', sessionId, '#note');
    await replay.page.waitForTimeout(SETTLE_MS);
    const shown = shownAssets(replay.frame);
    expect(await shown.image()).toBe(0);
    expect(await shown.styled()).toBe(false);
    expect(await shown.font()).toBe(false);
    // Nothing went through the proxy, and what the browser tried on its own the viewer's CSP stopped unsent.
    expect(replay.assetAnswers).toEqual([]);
    expect([images, styles, fonts, store].map((host) => host.hits.length)).toEqual(before);
    expect([images, styles, fonts].flatMap(proxied)).toEqual([]);
    await replay.context.close();
  });

  test('a new project, no setting changed: image, web font and stylesheet all come through the proxy', async () => {
    await createProject('cross-host-store');
    expect((await settingsOf('cross-host-store')).mode).toBe('public');
    const sessionId = await visitStore('cross-host-store');

    const replay = await openReplay('cross-host-store', sessionId, '#note');
    const shown = shownAssets(replay.frame);
    await expect.poll(shown.image).toBeGreaterThan(0);
    await expect.poll(shown.styled).toBe(true);
    await expect.poll(shown.font).toBe(true);
    await replay.page.waitForTimeout(SETTLE_MS);
    // The browser called Sightline only: stylesheet, image and font each by a signed proxy URL.
    expect(replay.elsewhere()).toEqual([]);
    expect(replay.assetAnswers.length).toBeGreaterThanOrEqual(3);
    expect(replay.assetAnswers.every((status) => status === 200)).toBe(true);
    expect(proxied(images)).toEqual(['/images/shoe.png']);
    expect(proxied(styles)).toEqual(['/css/site.css']);
    expect(proxied(fonts)).toEqual([FONT_PATH]);
    expect(proxied(store)).toEqual([]);
    await replay.context.close();
  });

  test('a recording that names loopback and private addresses makes the proxy fetch nothing', async () => {
    await createProject('internal-refs');
    const at = (host: string, path: string) => `http://${host}:${internal.port}${path}`;
    const T0 = Date.now() - 60_000;
    const document = documentOf(
      el(3, 'html', {}, [
        el(4, 'head', {}, [
          el(5, 'link', { rel: 'stylesheet', href: at('127.0.0.1', '/site.css') }),
          el(6, 'style', {}, [text(7, `@font-face{font-family:X;src:url(${at('[::1]', '/f.woff2')})} body{background:url(${at('10.0.0.7', '/bg.png')})}`, { isStyle: true })]),
        ]),
        el(8, 'body', {}, [
          el(9, 'img', { src: at('localhost', '/a.png'), width: '40', height: '40' }),
          el(10, 'img', { srcset: `${at('private.example', '/b.png')} 1x`, width: '40', height: '40' }),
          el(11, 'img', { src: 'http://169.254.169.254/latest/meta-data.png', width: '40', height: '40' }),
          el(12, 'img', { src: at('[::ffff:127.0.0.1]', '/c.png'), width: '40', height: '40' }),
          el(13, 'p', { id: 'rebuilt' }, [text(14, 'Internal references')]),
        ]),
      ]),
    );
    const events: RecordedEvent[] = [
      { type: 4, data: { href: `${store.url}/internal`, width: 1280, height: 800 }, timestamp: T0 },
      { type: 2, data: { node: document, initialOffset: { left: 0, top: 0 } }, timestamp: T0 + 10 },
      { type: 3, data: { source: 0, texts: [], attributes: [{ id: 9, attributes: { src: at('127.0.0.1', '/late.png') } }], removes: [], adds: [] }, timestamp: T0 + 500 },
    ];
    await ingest(server.url, makeBatch(events, { project: 'internal-refs' }));
    const list = (await (await adminFetch(`${server.url}/api/sessions?project=internal-refs`)).json()) as SessionList;

    const replay = await openReplay('internal-refs', list.sessions[0]!.id, '#rebuilt');
    await expect.poll(() => replay.assetAnswers.length).toBeGreaterThanOrEqual(5);
    await replay.page.waitForTimeout(SETTLE_MS);
    // Each was asked of the proxy (signed), which refused it without a connection.
    expect(replay.elsewhere()).toEqual([]);
    expect(new Set(replay.assetAnswers)).toEqual(new Set([403]));
    expect(internal.hits).toEqual([]);
    await replay.context.close();
  });

  test("the demo store on Sightline's own origin, no setting changed: its pictures load from Sightline, not the proxy", async () => {
    expect((await settingsOf('demo')).mode).toBe('public');
    const own = (path: string) => `${server.url}/demo/placeholders/${path}`;
    const T0 = Date.now() - 60_000;
    const document = documentOf(
      el(3, 'html', {}, [
        el(4, 'head'),
        el(5, 'body', { style: 'margin:0' }, [
          el(6, 'img', { id: 'own', src: own('450x300.png'), width: '150', height: '100' }),
          el(7, 'div', { id: 'own-background', style: `width:70px;height:80px;background-image:url("${own('600x700.png')}")` }),
          el(8, 'img', { id: 'partner', src: `${images.url}/images/shoe.png`, width: '40', height: '40' }),
          el(9, 'p', { id: 'rebuilt' }, [text(10, 'Demo store')]),
        ]),
      ]),
    );
    const events: RecordedEvent[] = [
      { type: 4, data: { href: `${server.url}/demo/product.html`, width: 1280, height: 800 }, timestamp: T0 },
      { type: 2, data: { node: document, initialOffset: { left: 0, top: 0 } }, timestamp: T0 + 10 },
    ];
    const sessionId = newId();
    await ingest(server.url, makeBatch(events, { sessionId }));

    const replay = await openReplay('demo', sessionId, '#rebuilt');
    const width = (selector: string) => replay.frame.locator(selector).evaluate((image: HTMLImageElement) => image.naturalWidth);
    await expect.poll(() => width('#own')).toBe(450);
    await expect.poll(() => width('#partner')).toBeGreaterThan(0);
    await replay.page.waitForTimeout(SETTLE_MS);
    // Both own pictures were asked of Sightline as recorded; the partner's, on another host, went through the proxy.
    expect(replay.requests).toContain(own('450x300.png'));
    expect(replay.requests).toContain(own('600x700.png'));
    const viaProxy = replay.requests.filter((url) => url.includes('/api/assets?')).map((url) => new URL(url).searchParams.get('url'));
    expect(viaProxy).toEqual([`${images.url}/images/shoe.png`]);
    expect(replay.assetAnswers).toEqual([200]);
    expect(replay.elsewhere()).toEqual([]);
    await replay.context.close();
  });
});
