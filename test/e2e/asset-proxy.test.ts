/**
 * Recorded assets in real Chromium: a forged recording of a product page whose image and stylesheet (with a
 * background image) live on a local "store asset host", ingested through the real route and replayed in the viewer.
 * In block mode (set first) the host never hears from anyone; after the admin switches it to proxy on the
 * Settings page, the replay shows the image, every browser request goes to Sightline, and the host serves each asset
 * once.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { AssetSettingsResponse } from '../../contract/api.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { ingest, makeBatch, newId } from '../api/support.ts';
import { setAssetMode, startAssetHost, PIXEL_PNG, type AssetHost } from '../../support/asset-host.ts';
import { launchChromium } from '../../support/browser.ts';
import { ALLOW_LOCAL_RECEIVERS } from '../../support/outbound.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { documentOf, el, text } from '../helpers/snapshot-nodes.ts';

const T0 = Date.now() - 60_000;
/** How long after the page has rebuilt the test waits for any late asset request before counting, ms. */
const SETTLE_MS = 1_500;

function productPage(assetHost: string): RecordedEvent[] {
  const document = documentOf(
    el(3, 'html', {}, [
      el(4, 'head', {}, [el(5, 'link', { rel: 'stylesheet', href: `${assetHost}/site.css` })]),
      el(6, 'body', { style: 'margin:0' }, [
        el(7, 'img', { id: 'shirt', src: `${assetHost}/shirt.png`, width: '120', height: '120' }),
        el(8, 'div', { class: 'banner' }),
        el(9, 'p', {}, [text(10, 'Blue shirt')]),
      ]),
    ]),
  );
  return [
    { type: 4, data: { href: 'https://shop.example/product/blue-shirt', width: 1024, height: 768 }, timestamp: T0 },
    { type: 2, data: { node: document, initialOffset: { left: 0, top: 0 } }, timestamp: T0 + 10 },
    { type: 3, data: { source: 1, positions: [{ x: 20, y: 20, id: 7, timeOffset: 0 }] }, timestamp: T0 + 500 },
    { type: 3, data: { source: 0, texts: [], attributes: [{ id: 9, attributes: { class: 'seen' } }], removes: [], adds: [] }, timestamp: T0 + 2_000 },
  ];
}

describe('e2e | recorded assets: blocked, or served through the proxy', () => {
  let server: TestServer;
  let assetHost: AssetHost;
  let browser: Browser;
  const sessionId = newId();

  beforeAll(async () => {
    assetHost = await startAssetHost((req, res) => {
      if (req.url === '/shirt.png' || req.url === '/banner.png') return void res.writeHead(200, { 'Content-Type': 'image/png' }).end(PIXEL_PNG);
      if (req.url === '/site.css') {
        return void res
          .writeHead(200, { 'Content-Type': 'text/css' })
          .end('.banner { width: 300px; height: 40px; background-image: url("banner.png"); }');
      }
      res.writeHead(404).end();
    });
    server = await startTestServer(ALLOW_LOCAL_RECEIVERS);
    await setAssetMode(server.url, 'block');
    await ingest(server.url, makeBatch(productPage(assetHost.url), { sessionId }));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await assetHost?.close();
  });

  /** A signed-in page, every http(s) URL it (or any of its frames) asks for, and those the browser itself stopped. */
  async function openPage(): Promise<{ page: Page; requests: string[]; failed: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await server.signIn(page.context());
    const requests: string[] = [];
    const failed: string[] = [];
    page.on('request', (request) => {
      if (/^https?:/.test(request.url())) requests.push(request.url());
    });
    page.on('requestfailed', (request) => failed.push(request.url()));
    return { page, requests, failed };
  }

  /** Opens the replay and waits until the recorded page is rebuilt in the player's frame. */
  async function openReplay(page: Page) {
    await page.goto(`${server.url}/#/sessions/${sessionId}`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor();
    const frame = page.frameLocator('[data-testid="player"] iframe');
    await frame.locator('p', { hasText: 'Blue shirt' }).waitFor();
    return frame;
  }

  test('in block mode the replay rebuilds the page and the asset host receives no request', async () => {
    const { page, requests, failed } = await openPage();
    const frame = await openReplay(page);
    await page.waitForTimeout(SETTLE_MS);
    expect(await frame.locator('#shirt').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(0);
    expect(assetHost.hits).toEqual([]);
    // The replayed page asks for the recorded URLs as they are, and the viewer's CSP stops each one in the browser.
    const elsewhere = requests.filter((url) => !url.startsWith(server.url));
    expect(elsewhere.sort()).toEqual([`${assetHost.url}/shirt.png`, `${assetHost.url}/site.css`]);
    expect(failed.filter((url) => !url.startsWith(server.url)).sort()).toEqual(elsewhere);
    await page.close();
  });

  test('the admin switches the project to proxy on the Settings page', async () => {
    const { page } = await openPage();
    await page.goto(`${server.url}/#/settings`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="asset-policy"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('asset-mode-block').isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('asset-save').isDisabled()).toBe(true);
    await page.getByTestId('asset-mode-proxy').check();
    await page.getByTestId('asset-origins').fill(`${assetHost.url}/\n`);
    await page.getByTestId('asset-save').click();
    await page.getByTestId('asset-saved').waitFor();
    const saved = (await (await adminFetch(`${server.url}/api/settings/assets`)).json()) as AssetSettingsResponse;
    expect(saved).toMatchObject({ mode: 'proxy', origins: [assetHost.url] });
    // A bad origin is refused with the server's reason, and nothing changes.
    await page.getByTestId('asset-origins').fill('cdn.shop.example/images');
    await page.getByTestId('asset-save').click();
    expect(await page.getByTestId('asset-save-error').innerText()).toContain('is not an origin');
    expect(await (await adminFetch(`${server.url}/api/settings/assets`)).json()).toEqual(saved);
    await page.close();
  });

  test('in proxy mode the image renders, the browser calls only Sightline, and the host serves each asset once', async () => {
    const { page, requests } = await openPage();
    const frame = await openReplay(page);
    await expect.poll(() => frame.locator('#shirt').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
    // The stylesheet came through the proxy with its background image rewritten to the proxy too.
    const banner = await frame.locator('.banner').evaluate((element) => getComputedStyle(element).backgroundImage);
    expect(banner).toContain(`${server.url}/api/assets?project=demo&url=${encodeURIComponent(`${assetHost.url}/banner.png`)}`);
    await expect.poll(() => assetHost.count('/banner.png')).toBe(1);
    await page.waitForTimeout(SETTLE_MS);

    // Not even an attempt elsewhere: the recorded URLs now all point at Sightline.
    expect(requests.filter((url) => !url.startsWith(server.url))).toEqual([]);
    expect(requests.filter((url) => url.includes('/api/assets?')).length).toBeGreaterThanOrEqual(3);
    expect([...assetHost.hits].sort()).toEqual(['/banner.png', '/shirt.png', '/site.css']);
    await page.close();
  });

  test('a second replay is served from the cache: the asset host hears nothing more', async () => {
    const before = [...assetHost.hits];
    const { page } = await openPage();
    const frame = await openReplay(page);
    await expect.poll(() => frame.locator('#shirt').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
    await page.waitForTimeout(SETTLE_MS);
    expect(assetHost.hits).toEqual(before);
    await page.close();
  });
});
