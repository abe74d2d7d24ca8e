/**
 * The viewer under its strict Content-Security-Policy in real Chromium: the sessions list, a replay and the
 * heatmaps page work without one violation, and a recording that references an image on another host replays
 * without a single request reaching that host (the project is set to block recorded assets from other hosts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { ingest, makeBatch, newId } from '../api/support.ts';
import { setAssetMode } from '../../support/asset-host.ts';
import { launchChromium } from '../../support/browser.ts';
import { loadCorpusStream } from '../helpers/corpus.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { documentOf, el, text, type SnapshotNode as Node } from '../helpers/snapshot-nodes.ts';

const CORPUS_STREAM = 'rrweb-fixtures/input.json';
const PAGE_KEY = '/csp-page';
const T0 = Date.now() - 60_000;

/** A product page whose picture lives on `imageUrl`, with one click on its button (for the heatmap). */
function pageWithForeignImage(imageUrl: string): RecordedEvent[] {
  const document = documentOf(
    el(3, 'html', {}, [
      el(4, 'head'),
      el(5, 'body', { style: 'margin:0' }, [
        el(6, 'img', { src: imageUrl, width: '200', height: '100' }),
        el(7, 'button', { id: 'buy', style: 'width:200px;height:60px' }, [text(8, 'Buy')]),
      ]),
    ]),
  );
  const click = { selector: '#buy', tag: 'button', ox: 0.5, oy: 0.5, x: 100, y: 130, vw: 1280, vh: 800, dw: 1280, dh: 800 };
  return [
    { type: 4, data: { href: `https://shop.example${PAGE_KEY}`, width: 1280, height: 800 }, timestamp: T0 },
    { type: 2, data: { node: document, initialOffset: { left: 0, top: 0 } }, timestamp: T0 + 10 },
    { type: 5, data: { tag: 'sl:click', payload: click }, timestamp: T0 + 1000 },
    { type: 3, data: { source: 2, type: 2, id: 7, x: 100, y: 30 }, timestamp: T0 + 1000 },
    { type: 3, data: { source: 0, texts: [], attributes: [{ id: 7, attributes: { class: 'added' } }], removes: [], adds: [] }, timestamp: T0 + 1100 },
    { type: 3, data: { source: 0, texts: [], attributes: [], removes: [], adds: [] }, timestamp: T0 + 3000 },
  ] as RecordedEvent[];
}

/**
 * What a page reports: CSP violations in the viewer's document, console errors (Chromium logs every violation there,
 * the replay frames' included) and uncaught errors.
 */
interface Seen {
  violations: string[];
  consoleErrors: string[];
  pageErrors: string[];
}

async function watch(page: Page): Promise<Seen> {
  const seen: Seen = { violations: [], consoleErrors: [], pageErrors: [] };
  await page.exposeFunction('__cspViolation', (line: string) => seen.violations.push(line));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window.top as unknown as { __cspViolation?: (line: string) => void }).__cspViolation;
      report?.(`${event.effectiveDirective} ${event.blockedURI}`);
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error') seen.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => seen.pageErrors.push(error.message));
  return seen;
}

describe('e2e | the viewer under its Content-Security-Policy', () => {
  let server: TestServer;
  let foreignHost: Server;
  let foreignUrl: string;
  const foreignRequests: string[] = [];
  let browser: Browser;
  const corpusSession = newId();
  const imageSession = newId();

  beforeAll(async () => {
    foreignHost = createServer((req, res) => {
      foreignRequests.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'image/png' }).end();
    });
    await new Promise<void>((resolve) => foreignHost.listen(0, '127.0.0.1', resolve));
    foreignUrl = `http://127.0.0.1:${(foreignHost.address() as AddressInfo).port}`;
    server = await startTestServer();
    // Block: the foreign image is then left to the CSP, which this file is about.
    await setAssetMode(server.url, 'block');
    await ingest(server.url, makeBatch(loadCorpusStream(CORPUS_STREAM), { sessionId: corpusSession }));
    await ingest(server.url, makeBatch(pageWithForeignImage(`${foreignUrl}/x.png`), { sessionId: imageSession }));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => foreignHost?.close(resolve));
  });

  /** Chromium's console line for the blocked image. */
  const blockedImage = () => new RegExp(`image '${foreignUrl}/x\\.png'.*img-src 'self' data: blob:.*blocked`);

  async function openViewer(hash: string): Promise<{ page: Page; seen: Seen }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await server.signIn(page.context());
    const seen = await watch(page);
    const response = await page.goto(`${server.url}/${hash}`, { waitUntil: 'domcontentloaded' });
    // The policy under test is really in force.
    expect(await response?.headerValue('content-security-policy')).toContain("script-src 'self'");
    return { page, seen };
  }

  test('the sessions list works with no violation', async () => {
    const { page, seen } = await openViewer('#/');
    await page.getByTestId('session-row').first().waitFor();
    expect(await page.getByTestId('session-row').count()).toBe(2);
    expect(seen).toEqual({ violations: [], consoleErrors: [], pageErrors: [] });
    await page.close();
  });

  test(`a replay of ${CORPUS_STREAM} works with no violation`, async () => {
    const { page, seen } = await openViewer(`#/sessions/${corpusSession}`);
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor();
    expect(await page.locator('[data-testid="player"] iframe').count()).toBe(1);
    // Let it play a while: styles and mutations are applied as it goes.
    await page.waitForTimeout(1_500);
    expect(seen).toEqual({ violations: [], consoleErrors: [], pageErrors: [] });
    await page.close();
  });

  test('a recorded image on another host is blocked in the replay: no request reaches it', async () => {
    const { page, seen } = await openViewer(`#/sessions/${imageSession}`);
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor();
    const frame = page.frameLocator('[data-testid="player"] iframe');
    await frame.locator('#buy').waitFor({ state: 'attached' });
    expect(await frame.locator('img').getAttribute('src')).toBe(`${foreignUrl}/x.png`);
    await page.waitForTimeout(1_500);
    expect(foreignRequests).toEqual([]);
    // The block itself is the only violation, and the only console error is Chromium's note of it.
    expect(seen.pageErrors).toEqual([]);
    // The console reports violations in the replay frame too (the DOM listener only hears the viewer's own
    // document), so its silence in the other tests means something.
    expect(seen.consoleErrors.length).toBeGreaterThan(0);
    for (const line of seen.consoleErrors) expect(line).toMatch(blockedImage());
    for (const line of seen.violations) expect(line).toBe(`img-src ${foreignUrl}/x.png`);
    // The DOM listener works: a foreign image in the viewer's own document is heard, and blocked as well.
    await page.evaluate((url) => document.body.append(Object.assign(new Image(), { src: url })), `${foreignUrl}/probe.png`);
    await expect.poll(() => seen.violations).toContain(`img-src ${foreignUrl}/probe.png`);
    expect(foreignRequests).toEqual([]);
    await page.close();
  });

  test('the heatmaps page works: snapshot and heat drawn, only the foreign image blocked', async () => {
    const { page, seen } = await openViewer(`#/heatmaps?page=${encodeURIComponent(PAGE_KEY)}`);
    await page.locator('[data-testid="heatmaps"][data-state="ready"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="snapshot-frame"][data-state="ready"]').waitFor({ timeout: 30_000 });
    // heatmap.js is a same-origin classic script: drawn means script-src 'self' let it run.
    await page.locator('[data-testid="heatmap-canvas"][data-drawn] canvas').waitFor({ state: 'attached', timeout: 10_000 });
    await page.waitForTimeout(500);
    expect(foreignRequests).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.consoleErrors.length).toBeGreaterThan(0);
    for (const line of seen.consoleErrors) expect(line).toMatch(blockedImage());
    expect(seen.violations).toEqual([]);
    await page.close();
  });
});
