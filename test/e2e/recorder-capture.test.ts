import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { customEvents, startHarness, waitFor, type Harness } from './recorder-harness.ts';

let browser: Browser;
let harness: Harness;
const pages: Page[] = [];

const planted = { email: 'dev.canary.q7x2@example.test', card: '4111 1111 1111 1111', token: 'tok-q7x2-secret' };
/** Every spelling of the planted values that would betray a leak. */
const secrets = [planted.email, 'dev.canary.q7x2', 'q7x2@example', planted.card, '4111111111111111', '4111%201111', planted.token];

beforeAll(async () => {
  [browser, harness] = await Promise.all([launchChromium(), startHarness()]);
});
afterAll(async () => {
  await browser?.close();
  await harness?.close();
});
beforeEach(() => {
  harness.received.length = 0;
  harness.captureLoads = 0;
});
afterEach(async () => {
  for (const page of pages.splice(0)) await page.context().close();
});

async function openCheckout(attributes: Record<string, string> = {}): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  pages.push(page);
  await page.goto(harness.pageUrl('recorder-devtools.html', { 'data-project': 'demo', ...attributes }), { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.Sightline !== undefined);
  return page;
}

const flush = (page: Page) => page.evaluate(() => window.Sightline!.flush());
const bodies = () => harness.received.map((received) => received.text).join('\n');
/** The capture module has loaded once fetch is wrapped (with captureNetwork on). */
const captureLoaded = (page: Page) => page.waitForFunction(() => !String(window.fetch).includes('[native code]'));

describe('recorder | console capture', () => {
  test('errors and warnings arrive as sl:console, masked like page text; log stays out by default', async () => {
    const page = await openCheckout();
    await page.locator('#log').click();
    await waitFor('three console events', async () => (await flush(page), customEvents(harness, 'sl:console').length >= 3));
    const events = customEvents(harness, 'sl:console');
    expect(events.map((event) => event.level)).toEqual(['warn', 'error', 'error']);
    const [warn, thrown, logged] = events;
    expect(warn.message).toMatch(/^Coupon check slow for \*+$/);
    expect(warn.frames).toEqual([]); // warnings carry no call site
    expect(thrown.message).toMatch(/^Error: Payment declined for card [*\s]+$/);
    // The Error argument's own stack: the page's logSome, then the click handler.
    expect(thrown.frames[0]).toMatchObject({ fn: 'logSome', file: expect.stringContaining('/pages/recorder-devtools.html') });
    expect(thrown.frames[0].line).toBeGreaterThan(0);
    expect(logged.message).toMatch(/^Checkout failed \{customer: \{email: "\*+", card: "[*\s]+"\}, step: 3\}$/);
    // A console.error without an Error gets its call site, the wrapper's frame left out.
    expect(logged.frames[0]).toMatchObject({ fn: 'logSome' });
    expect(bodies()).not.toContain('plain log line');
    for (const secret of secrets) expect(bodies()).not.toContain(secret);
  });

  test('an uncaught error carries its stack once the capture is loaded', async () => {
    const page = await openCheckout({ 'data-capture-network': '' });
    await captureLoaded(page);
    await page.locator('#throw').click();
    await waitFor('the error', async () => (await flush(page), customEvents(harness, 'sl:error').length >= 1));
    const [error] = customEvents(harness, 'sl:error');
    expect(error.message).toContain('boom from checkout');
    expect(error.frames?.[0]).toMatchObject({ file: expect.stringContaining('/pages/recorder-devtools.html') });
  });

  test('a loop of errors is cut to the per-second limit, and the next event counts what was dropped', async () => {
    const page = await openCheckout({ 'data-console': 'error', 'data-capture-network': '' });
    await captureLoaded(page);
    await page.locator('#loop').click();
    await flush(page);
    expect(customEvents(harness, 'sl:console')).toHaveLength(10);
    await page.waitForTimeout(1_100);
    await page.evaluate(() => console.error('after the pause'));
    await waitFor('the next error', async () => (await flush(page), customEvents(harness, 'sl:console').length >= 11));
    expect(customEvents(harness, 'sl:console').at(-1)).toMatchObject({ message: 'after the pause', dropped: 30 });
  });

  test('console calls made while the capture loads are kept with their own time', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    pages.push(page);
    // Logged by a script right after the recorder's tag, before its second file can have arrived.
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        (window as { loggedAt?: number }).loggedAt = Date.now();
        console.error('early error');
      });
    });
    await page.goto(harness.pageUrl('recorder-devtools.html', { 'data-project': 'demo' }), { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.Sightline !== undefined);
    await waitFor('the early error', async () => (await flush(page), customEvents(harness, 'sl:console').length >= 1));
    const loggedAt = await page.evaluate(() => (window as { loggedAt?: number }).loggedAt!);
    const event = harness.received.flatMap((r) => r.batch.events).find((e) => e.type === 5 && (e.data as { tag: string }).tag === 'sl:console')!;
    expect((event.data as { payload: { message: string } }).payload.message).toBe('early error');
    expect(Math.abs(event.timestamp - loggedAt)).toBeLessThan(50);
  });

  test('console: false loads no second file and records no console call', async () => {
    const page = await openCheckout({ 'data-console': 'false' });
    await page.locator('#log').click();
    await flush(page);
    expect(harness.received.length).toBeGreaterThan(0);
    expect(customEvents(harness, 'sl:console')).toEqual([]);
    expect(harness.captureLoads).toBe(0);
  });
});

describe('recorder | network capture', () => {
  test('off by default: no request is described anywhere', async () => {
    const page = await openCheckout();
    await page.locator('#call').click();
    await page.getByText('calls done').waitFor();
    await flush(page);
    expect(harness.received.length).toBeGreaterThan(0);
    expect(customEvents(harness, 'sl:network')).toEqual([]);
    expect(bodies()).not.toContain('api-test');
    expect(bodies()).not.toContain('unreachable');
  });

  test('captureNetwork: fetch and XHR with status, timing and sizes; queries, headers and bodies left out', async () => {
    const page = await openCheckout({ 'data-capture-network': '' });
    await captureLoaded(page);
    await page.locator('#call').click();
    await page.getByText('calls done').waitFor();
    await waitFor('five requests', async () => (await flush(page), customEvents(harness, 'sl:network').length >= 5));
    const requests = customEvents(harness, 'sl:network');
    const api = `${harness.origin}/api-test`;
    expect(requests.map(({ kind, method, url, status, failure }) => ({ kind, method, url, status, failure }))).toEqual([
      { kind: 'fetch', method: 'GET', url: `${api}/ok`, status: 200, failure: undefined },
      { kind: 'fetch', method: 'POST', url: `${api}/fail`, status: 500, failure: undefined },
      { kind: 'fetch', method: 'GET', url: 'http://127.0.0.1:9/unreachable', status: 0, failure: 'error' },
      { kind: 'xhr', method: 'GET', url: `${api}/ok`, status: 200, failure: undefined },
      { kind: 'xhr', method: 'POST', url: `${api}/fail`, status: 500, failure: undefined },
    ]);
    const [okFetch, failedFetch, , , failedXhr] = requests;
    expect(okFetch).toMatchObject({ requestBytes: 0, responseBytes: 26 });
    expect(failedFetch.requestBytes).toBe(JSON.stringify({ card: planted.card }).length);
    expect(failedXhr.requestBytes).toBe(`card=${encodeURIComponent(planted.card)}`.length);
    for (const request of requests) {
      expect(request.durationMs).toBeGreaterThanOrEqual(0);
      expect(request.requestHeaders).toBeUndefined();
      expect(request.responseBody).toBeUndefined();
    }
    // The recorder's own batches are never described.
    expect(requests.some((request) => request.url.includes('/api/ingest'))).toBe(false);
    for (const secret of secrets) expect(bodies()).not.toContain(secret);
  });

  test('allow-listed URLs keep their query, headers and bodies, masked, and never credentials', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    pages.push(page);
    await page.addInitScript(() => {
      (window as { testOptions?: unknown }).testOptions = {
        captureNetwork: { allowQuery: ['/api-test/ok'], allowHeaders: [/\/api-test\/ok$/], allowBodies: ['*/api-test/ok'] },
      };
    });
    await page.goto(`${harness.origin}/pages/recorder-esm.html`, { waitUntil: 'domcontentloaded' });
    await captureLoaded(page);
    await page.locator('#call').click();
    await page.getByText('calls done').waitFor();
    await waitFor('two requests', async () => (await flush(page), customEvents(harness, 'sl:network').length >= 2));
    const [allowed, other] = customEvents(harness, 'sl:network');
    expect(allowed.url).toMatch(new RegExp(`^${harness.origin}/api-test/ok\\?email=\\*+&sku=7$`));
    expect(allowed.requestHeaders).toEqual({ 'x-shop-step': 'cart', 'content-type': 'application/json' });
    expect(allowed.responseHeaders).toMatchObject({ 'content-type': 'application/json', 'content-length': '26' });
    expect(allowed.requestBody).toMatch(/^\{"note":"mail \*+"\}$/);
    expect(allowed.responseBody).toBe('{"ok":true,"reply":"fine"}');
    expect(other).toMatchObject({ url: `${harness.origin}/api-test/fail`, status: 500 });
    expect(other.requestHeaders).toBeUndefined();
    for (const secret of secrets) expect(bodies()).not.toContain(secret);
  });
});
