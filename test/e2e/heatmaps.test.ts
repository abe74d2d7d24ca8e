/**
 * The heatmap page end to end, in real Chromium: shoppers recorded by the real recorder click #add-to-cart on the
 * demo store at known offsets (a desktop at 1440 px, a phone at 390 px), then the viewer, opened at another width,
 * rebuilds the product page from its recorded snapshot and must draw the hot spot on that button, list it with the
 * right count and a replay link, say how many clicks fell back because their element is gone, and draw the scroll map.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { HeatmapResponse } from '../../contract/insights.ts';
import type { SessionDetail } from '../../contract/api.ts';
import { contextOptions, deviceProfiles } from '../../demo/devices.ts';
import { flushRecorder, openStore } from '../../demo/human.ts';
import { ingest, makeBatch } from '../api/support.ts';
import { visit } from '../api/shop-events.ts';
import { launchChromium } from '../../support/browser.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { distinctColours } from '../helpers/screenshots.ts';

const PAGE_KEY = '/demo/product.html';
const BUTTON = '#add-to-cart';
/** Where the desktop shopper clicks the button, as fractions of its box, and how often. */
const DESKTOP_CLICKS = [
  { ox: 0.2, oy: 0.5 },
  { ox: 0.2, oy: 0.5 },
  { ox: 0.2, oy: 0.5 },
  { ox: 0.8, oy: 0.5 },
];
const MOBILE_CLICKS = [{ ox: 0.5, oy: 0.5 }, { ox: 0.5, oy: 0.5 }];
/** A selector the product page does not have: its click must fall back to its page position. */
const GONE = '#spring-sale-banner';

/** Opens a product page in a fresh context of the device and clicks the button at each offset. */
async function recordClicks(browser: Browser, serverUrl: string, device: string, clicks: typeof DESKTOP_CLICKS) {
  const profile = deviceProfiles.find((candidate) => candidate.name === device)!;
  const context = await browser.newContext(contextOptions(profile));
  const page = await context.newPage();
  await openStore(page, `${serverUrl}/demo/`, 'product.html?id=2');
  // Past the snapshot's settle time, so the rebuilt background shows the page as it loaded.
  await page.waitForTimeout(1_800);
  const button = page.locator(BUTTON);
  await button.scrollIntoViewIfNeeded();
  const box = (await button.boundingBox())!;
  for (const { ox, oy } of clicks) {
    const position = { x: ox * box.width, y: oy * box.height };
    if (profile.kind === 'desktop') await button.click({ position });
    else await button.tap({ position });
    await page.waitForTimeout(350);
  }
  expect(await flushRecorder(page)).toBe(true);
  await context.close();
}

interface HeatProbe {
  scale: number;
  /** The button's box in the viewer, CSS px. */
  button: { left: number; top: number; width: number; height: number };
  /** The hottest pixel of the overlay, in viewer px, and its alpha. */
  hottest: { x: number; y: number; alpha: number };
  /** Overlay alpha at each click's spot on the button, and at the overlay's top-left corner (the page header). */
  atClicks: number[];
  atCorner: number;
}

/** Reads, in the viewer, where the button is drawn and how hot the overlay canvas is there and elsewhere. */
function probeHeat(page: Page, clicks: typeof DESKTOP_CLICKS): Promise<HeatProbe> {
  return page.evaluate(
    ({ selector, clicks }) => {
      const frame = document.querySelector<HTMLIFrameElement>('[data-testid="snapshot-frame"] iframe')!;
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="heatmap-layer"] canvas')!;
      const frameBox = frame.getBoundingClientRect();
      const scale = frameBox.width / frame.offsetWidth;
      const inFrame = frame.contentDocument!.querySelector(selector)!.getBoundingClientRect();
      const button = {
        left: frameBox.left + inFrame.left * scale,
        top: frameBox.top + inFrame.top * scale,
        width: inFrame.width * scale,
        height: inFrame.height * scale,
      };
      const canvasBox = canvas.getBoundingClientRect();
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const alphaAt = (x: number, y: number) => {
        const cx = Math.round(((x - canvasBox.left) / canvasBox.width) * canvas.width);
        const cy = Math.round(((y - canvasBox.top) / canvasBox.height) * canvas.height);
        return data[(cy * canvas.width + cx) * 4 + 3];
      };
      let hottest = { x: 0, y: 0, alpha: -1 };
      for (let cy = 0; cy < canvas.height; cy += 2) {
        for (let cx = 0; cx < canvas.width; cx += 2) {
          const alpha = data[(cy * canvas.width + cx) * 4 + 3];
          if (alpha > hottest.alpha) {
            hottest = {
              x: canvasBox.left + (cx / canvas.width) * canvasBox.width,
              y: canvasBox.top + (cy / canvas.height) * canvasBox.height,
              alpha,
            };
          }
        }
      }
      return {
        scale,
        button,
        hottest,
        atClicks: clicks.map(({ ox, oy }) => alphaAt(button.left + ox * button.width, button.top + oy * button.height)),
        atCorner: alphaAt(canvasBox.left + 2, canvasBox.top + 2),
      };
    },
    { selector: BUTTON, clicks },
  );
}

async function waitForHeat(page: Page): Promise<void> {
  await page.locator('[data-testid="heatmaps"][data-state="ready"]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="snapshot-frame"][data-state="ready"]').waitFor({ timeout: 30_000 });
  // Set once heatmap.js has painted the points (it paints synchronously on setData).
  await page.locator('[data-testid="heatmap-canvas"][data-drawn] canvas').waitFor({ state: 'attached', timeout: 10_000 });
}

function expectInside(point: { x: number; y: number }, box: HeatProbe['button']) {
  expect(point.x).toBeGreaterThanOrEqual(box.left);
  expect(point.x).toBeLessThanOrEqual(box.left + box.width);
  expect(point.y).toBeGreaterThanOrEqual(box.top);
  expect(point.y).toBeLessThanOrEqual(box.top + box.height);
}

describe('e2e | heatmaps page on the demo store', () => {
  let server: TestServer;
  let browser: Browser;
  let viewer: Page;
  const pageErrors: Error[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();

    // An older desktop visit to the same page whose click landed on an element the page has since lost.
    const old = visit(Date.now() - 3_600_000, 1440, 900);
    await ingest(
      server.url,
      makeBatch([
        ...old.load(0, PAGE_KEY),
        old.click(1000, GONE, { ox: 0.5, oy: 0.5, x: 700, y: 1500, dw: 1440, dh: 3000 }),
        old.mutation(1100),
        old.mutation(5000),
      ]),
    );
    await recordClicks(browser, server.url, 'mac', DESKTOP_CLICKS);
    await recordClicks(browser, server.url, 'iphone', MOBILE_CLICKS);

    viewer = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await server.signIn(viewer.context());
    viewer.on('pageerror', (error) => pageErrors.push(error));
    await viewer.goto(`${server.url}/#/heatmaps?page=${encodeURIComponent(PAGE_KEY)}`, { waitUntil: 'domcontentloaded' });
    await waitForHeat(viewer);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close().catch(() => undefined);
  });

  test('counts every device by default and names the device of the background', async () => {
    const device = viewer.locator('[data-testid="heatmap-device"]');
    expect(await device.inputValue()).toBe('');
    expect(await device.locator('option:checked').textContent()).toBe('All devices');
    const total = 1 + DESKTOP_CLICKS.length + MOBILE_CLICKS.length;
    expect(await viewer.locator('[data-testid="heatmap-summary"]').textContent()).toBe(`${total} clicks on 2 elements · all devices`);
    expect(await viewer.locator('[data-testid="heatmap-page"] option:checked').textContent()).toContain(`${total} clicks`);
    expect(
      await viewer.locator(`[data-testid="heatmap-element-row"][data-selector="${BUTTON}"] [data-testid="heatmap-element-count"]`).textContent(),
    ).toBe(String(DESKTOP_CLICKS.length + MOBILE_CLICKS.length));
    // The latest recorded view is the phone's, and the line says so.
    expect(await viewer.locator('[data-testid="heatmap-background-device"]').textContent()).toBe('mobile');

    await device.selectOption('desktop');
    await viewer.waitForFunction(() => location.hash.includes('device=desktop'));
    await waitForHeat(viewer);
    expect(await viewer.locator('[data-testid="heatmap-page"] option:checked').textContent()).toContain(
      `${DESKTOP_CLICKS.length + 1} clicks`,
    );
  });

  test('rebuilds the recorded page in a sandbox without scripts, scaled down to the column', async () => {
    const frame = viewer.locator('[data-testid="snapshot-frame"] iframe');
    expect(await frame.getAttribute('sandbox')).toBe('allow-same-origin');
    expect(await viewer.locator('[data-testid="heatmap-background"]').textContent()).toContain('1440×900');
    expect(await viewer.locator('[data-testid="heatmap-background-device"]').textContent()).toBe('desktop');
    expect(await viewer.locator('[data-testid="heatmap-background"]').innerText()).toMatch(/\d [AP]M · replay that visit$/);
    expect(await viewer.locator('[data-testid="heatmap-summary"]').textContent()).toBe('5 clicks on 2 elements · desktop');
    const scale = Number(await viewer.locator('[data-testid="snapshot-frame"]').getAttribute('data-scale'));
    expect(scale).toBeGreaterThan(0.2);
    expect(scale).toBeLessThan(1);
  });

  test('draws the hottest spot on the clicked button, hot at each click and cold away from it', async () => {
    const probe = await probeHeat(viewer, DESKTOP_CLICKS);
    expect(probe.button.width).toBeGreaterThan(20);
    expect(probe.hottest.alpha).toBeGreaterThan(150);
    expectInside(probe.hottest, probe.button);
    // Three clicks at 20% across the button make the hot spot; the single click at 80% shows fainter, but shows.
    expect(probe.atClicks[0]).toBeGreaterThan(150);
    expect(probe.atClicks[3]).toBeGreaterThan(20);
    expect(probe.atClicks[3]).toBeLessThan(probe.atClicks[0]);
    expect(probe.atCorner).toBe(0);
  });

  test('lists the button by its label with its click count, and its row opens the replay at the latest click', async () => {
    const row = viewer.locator(`[data-testid="heatmap-element-row"][data-selector="${BUTTON}"]`);
    expect(await row.locator('[data-testid="heatmap-element-count"]').textContent()).toBe(String(DESKTOP_CLICKS.length));
    // As the shopper read it; the selector is the tooltip.
    expect(await row.getByTestId('heatmap-element-name').innerText()).toBe('"Add to cart" button');
    expect(await row.getByTestId('heatmap-element-name').getAttribute('title')).toBe(BUTTON);
    const map = (await (await adminFetch(`${server.url}/api/heatmaps?page=${PAGE_KEY}&device=desktop`)).json()) as HeatmapResponse;
    const replay = map.elements.find((element) => element.selector === BUTTON)!.replay!;
    const { session } = (await (await adminFetch(`${server.url}/api/sessions/${replay.sessionId}`)).json()) as SessionDetail;
    const link = row.locator('[data-testid="heatmap-element-replay"]');
    await link.waitFor({ timeout: 10_000 });
    const href = await link.getAttribute('href');
    expect(href).toBe(`#/sessions/${replay.sessionId}?t=${replay.ts - session.startedAt}&window=${replay.windowId}`);
    expect(replay.ts - session.startedAt).toBeGreaterThan(0);
  });

  test('outlines the element on the page while its row is hovered', async () => {
    await viewer.locator(`[data-testid="heatmap-element-row"][data-selector="${BUTTON}"]`).hover();
    const highlight = viewer.locator('[data-testid="heatmap-highlight"]');
    await highlight.waitFor();
    const drawn = (await highlight.boundingBox())!;
    const { button } = await probeHeat(viewer, DESKTOP_CLICKS);
    expect(Math.abs(drawn.x - button.left)).toBeLessThan(2);
    expect(Math.abs(drawn.y - button.top)).toBeLessThan(2);
    expect(Math.abs(drawn.width - button.width)).toBeLessThan(2);
    await viewer.mouse.move(5, 5);
    await highlight.waitFor({ state: 'detached' });
  });

  test('says how many clicks fell back to their page position because their element is gone', async () => {
    const total = DESKTOP_CLICKS.length + 1;
    expect(await viewer.locator('[data-testid="heatmap-fallback"]').textContent()).toBe(
      `1 of ${total} clicks placed by page position: their element is gone`,
    );
    expect(await viewer.locator(`[data-testid="heatmap-element-row"][data-selector="${GONE}"]`).count()).toBe(1);
  });

  test('keeps a non-blank screenshot of the page as a test artefact', async () => {
    await viewer.evaluate(() => window.scrollTo(0, 0));
    const png = await viewer.screenshot({ path: 'test-results/heatmaps.png' });
    expect(await distinctColours(viewer, png)).toBeGreaterThan(30);
  });

  test('switching to mobile rebuilds the phone recording at 390 px and the spot still lands on the button', async () => {
    await viewer.locator('[data-testid="heatmap-device"]').selectOption('mobile');
    await viewer.waitForFunction(() => location.hash.includes('device=mobile'));
    await waitForHeat(viewer);
    expect(await viewer.locator('[data-testid="heatmap-background"]').textContent()).toContain('390×844');
    const probe = await probeHeat(viewer, MOBILE_CLICKS);
    expectInside(probe.hottest, probe.button);
    // Offsets are kept in 5% buckets, so on a 350 px wide button the drawn centre may sit ~9 px from the tap.
    expect(probe.atClicks[0]).toBeGreaterThan(100);
    expect(probe.atCorner).toBe(0);
    expect(await viewer.locator('[data-testid="heatmap-fallback"]').count()).toBe(0);
    expect(
      await viewer.locator(`[data-testid="heatmap-element-row"][data-selector="${BUTTON}"] [data-testid="heatmap-element-count"]`).textContent(),
    ).toBe(String(MOBILE_CLICKS.length));
    await viewer.screenshot({ path: 'test-results/heatmaps-mobile.png' });
  });

  test('the scroll map shades depth bands by the share of views and draws the average fold', async () => {
    await viewer.locator('[data-testid="heatmap-device"]').selectOption('');
    await viewer.locator('[data-testid="heatmap-kind-scroll"]').click();
    await viewer.waitForFunction(() => location.hash.includes('kind=scroll') && !location.hash.includes('device='));
    await viewer.locator('[data-testid="heatmaps"][data-state="ready"]').waitFor({ timeout: 30_000 });
    await viewer.locator('[data-testid="scroll-map"]').waitFor({ timeout: 30_000 });
    const shares = await viewer.locator('[data-testid="scroll-band"]').evaluateAll((bands) =>
      bands.map((band) => Number(band.getAttribute('data-share'))),
    );
    expect(shares).toHaveLength(20);
    expect(shares[0]).toBe(1);
    // A band is reached by no more views than the one above it.
    expect(shares.every((share, index) => index === 0 || share <= shares[index - 1])).toBe(true);
    expect(await viewer.locator('[data-testid="scroll-fold"]').count()).toBe(1);
    expect(await viewer.locator('[data-testid="scroll-summary"]').textContent()).toMatch(/The fold falls at \d+% of the page/);
    await viewer.screenshot({ path: 'test-results/heatmaps-scroll.png' });
    expect(pageErrors).toEqual([]);
  });
});
