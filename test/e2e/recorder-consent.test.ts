import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { startHarness, waitFor, type Harness } from './recorder-harness.ts';

let browser: Browser;
let harness: Harness;

beforeAll(async () => {
  [browser, harness] = await Promise.all([launchChromium(), startHarness()]);
});
afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

/** Sightline's keys in both storages (the probe key included, should one ever be left behind). */
function sightlineKeys(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((key) => key.startsWith('sl:')));
}

async function open(attributes: Record<string, string>, initScript?: string): Promise<{ context: BrowserContext; page: Page }> {
  harness.received.length = 0;
  const context = await browser.newContext();
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  await page.goto(harness.pageUrl('recorder-shop.html', { 'data-project': 'demo', 'data-flush-interval-ms': '200', ...attributes }), {
    waitUntil: 'domcontentloaded',
  });
  await page.waitForFunction(() => window.Sightline !== undefined);
  return { context, page };
}

/** Clicks, tracks and flushes: whatever a running recorder would send now reaches the harness. */
async function act(page: Page): Promise<void> {
  await page.locator('#buy').click();
  await page.evaluate(() => {
    window.Sightline!.track('consent_probe');
    return window.Sightline!.flush();
  });
  await page.waitForTimeout(400); // longer than the flush interval: a running recorder would have sent by now
}

describe('recorder | consent in the browser', () => {
  test('requireConsent: nothing is sent or stored before consent, recording starts after "granted"', async () => {
    const { context, page } = await open({ 'data-require-consent': '' });
    await act(page);
    expect(harness.received).toHaveLength(0);
    expect(await sightlineKeys(page)).toEqual([]);
    expect(await page.evaluate(() => window.Sightline!.getSessionId())).toBe('');

    await page.evaluate(() => window.Sightline!.consent('granted'));
    await act(page);
    await waitFor('a batch after consent', () => harness.received.length > 0);
    expect(harness.received.map((received) => received.text).join('')).toContain('consent_probe');
    expect(await sightlineKeys(page)).toContain('sl:session');
    await context.close();
  });

  test('consent("denied") stops recording, discards the buffer and clears the storage keys', async () => {
    const { context, page } = await open({ 'data-flush-interval-ms': '60000' });
    await waitFor('the session key', async () => (await sightlineKeys(page)).includes('sl:session'));
    // The page's snapshot is bulk (over 4 KB) and leaves at once; what follows waits for the flush interval.
    await waitFor('the snapshot batch', () => harness.received.length === 1);
    harness.received.length = 0;
    await page.locator('#buy').click();
    await page.evaluate(() => window.Sightline!.track('before_denial'));
    await page.evaluate(() => window.Sightline!.consent('denied'));
    expect(await sightlineKeys(page)).toEqual([]);
    await act(page);
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide')));
    await page.waitForTimeout(300);
    expect(harness.received.map((received) => received.text).join('')).not.toContain('before_denial');
    expect(harness.received).toHaveLength(0);
    expect(await sightlineKeys(page)).toEqual([]);
    await context.close();
  });

  test('consent("denied") also clears the console and network counts the developer capture keeps', async () => {
    const { context, page } = await open({ 'data-capture-network': '' });
    await page.waitForFunction(() => !String(window.fetch).includes('[native code]'));
    await page.evaluate(async () => {
      console.error('counted');
      await fetch('/pages/recorder-shop.html');
    });
    await waitFor('both counts', async () => {
      const keys = await sightlineKeys(page);
      return keys.includes('sl:console-count') && keys.includes('sl:network-count');
    });
    await page.evaluate(() => window.Sightline!.consent('denied'));
    expect(await sightlineKeys(page)).toEqual([]);
    // Unwrapped: the page's console and fetch are its own again.
    expect(await page.evaluate(() => String(window.fetch).includes('[native code]'))).toBe(true);
    await context.close();
  });

  test.each([
    ['Global Privacy Control', "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })"],
    ['Do Not Track', "Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' })"],
  ])('%s: nothing is sent or stored, even after consent("granted")', async (_signal, initScript) => {
    const { context, page } = await open({}, initScript);
    await page.evaluate(() => window.Sightline!.consent('granted'));
    await act(page);
    expect(harness.received).toHaveLength(0);
    expect(await sightlineKeys(page)).toEqual([]);
    await context.close();
  });

  test('data-honor-privacy-signals="false" records despite Global Privacy Control', async () => {
    const { context, page } = await open(
      { 'data-honor-privacy-signals': 'false' },
      "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })",
    );
    expect(await page.evaluate(() => (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl)).toBe(true);
    await act(page);
    await waitFor('a batch', () => harness.received.length > 0);
    expect(harness.received.map((received) => received.text).join('')).toContain('consent_probe');
    await context.close();
  });
});
