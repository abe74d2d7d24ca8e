import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { customEvents, receivedEvents, startHarness, waitFor, type Harness } from './recorder-harness.ts';

let browser: Browser;
let harness: Harness;
const pages: Page[] = [];

beforeAll(async () => {
  [browser, harness] = await Promise.all([launchChromium(), startHarness()]);
});
afterAll(async () => {
  await browser?.close();
  await harness?.close();
});
beforeEach(() => {
  harness.received.length = 0;
  harness.preflights = 0;
  harness.ingestStatus = 200;
  harness.ingestDelayMs = 0;
});
afterEach(async () => {
  for (const page of pages.splice(0)) await page.context().close();
});

async function open(url: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  pages.push(page);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return page;
}

async function openRecording(attributes: Record<string, string>, options: { crossOrigin?: boolean } = {}): Promise<Page> {
  const page = await open(harness.pageUrl('recorder-shop.html', { 'data-project': 'demo', ...attributes }, options));
  await page.waitForFunction(() => window.Sightline !== undefined);
  return page;
}

/** The page's snapshot is bulk (the fixture's is over 4 KB), so it leaves at once; then the harness starts afresh. */
async function waitForSnapshotBatch(): Promise<void> {
  await waitFor('the snapshot batch', () => harness.received.some((received) => received.batch.events.some((event) => event.type === 2)));
  harness.received.length = 0;
}

describe('recorder | delivery in the browser', () => {
  test('a page on another origin posts gzipped text/plain batches to the endpoint derived from the script src, without preflight', async () => {
    const page = await openRecording({}, { crossOrigin: true });
    expect(new URL(page.url()).origin).toBe(harness.otherOrigin);
    await page.locator('#buy').click();
    await page.evaluate(() => window.Sightline!.flush());
    expect(harness.received.length).toBeGreaterThan(0);
    for (const received of harness.received) {
      expect(received.path).toBe('/api/ingest');
      expect(received.origin).toBe(harness.otherOrigin);
      expect(received.gzipped).toBe(true);
      expect(received.contentType).toBe('text/plain');
      expect(received.batch).toMatchObject({ v: 1, project: 'demo' });
    }
    expect(harness.preflights).toBe(0);
    expect(customEvents(harness, 'sl:click').map((c) => c.selector)).toEqual(['#buy']);
  });

  test('data-endpoint, when given, is used as it is', async () => {
    const page = await openRecording({ 'data-endpoint': `${harness.origin}/api/ingest?via=attribute` });
    await page.evaluate(() => window.Sightline!.flush());
    expect(harness.received.map((r) => r.path)).toContain('/api/ingest?via=attribute');
    expect(harness.received.every((r) => r.path === '/api/ingest?via=attribute')).toBe(true);
  });

  test('leaving the page sends what is still buffered (keepalive on pagehide)', async () => {
    const page = await openRecording({ 'data-flush-interval-ms': '60000' });
    await waitForSnapshotBatch();
    await page.mouse.move(10, 10);
    await page.waitForTimeout(500);
    expect(harness.received).toEqual([]); // a few small events wait out the flush interval
    // Bulk (a large page's snapshot, a big change) does not: it leaves gzipped at once, not plain on pagehide.
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('p'), { textContent: 'lorem '.repeat(5_000) })));
    await waitFor('the bulky batch', () => harness.received.length > 0);
    expect(harness.received.map((r) => r.gzipped)).toEqual([true]);
    await page.evaluate(() => window.Sightline!.track('leaving', { step: 'cart' }));
    expect(customEvents(harness, 'sl:track')).toEqual([]);
    await page.goto(harness.pageUrl('recorder-privacy.html', {}), { waitUntil: 'domcontentloaded' });
    await waitFor('the batch sent on pagehide', () => customEvents(harness, 'sl:track').length > 0);
    expect(customEvents(harness, 'sl:track')).toEqual([{ name: 'leaving', props: { step: 'cart' } }]);
  });

  test('a navigation sends what is buffered at once, gzipped, rather than plain on pagehide', async () => {
    const page = await openRecording({ 'data-flush-interval-ms': '60000' });
    await waitForSnapshotBatch();
    await page.evaluate(() => window.Sightline!.track('before-navigation', {}));
    expect(harness.received).toEqual([]);
    // Same-document, so the page stays to be watched; a link or a form fires the same `navigate` event first.
    await page.evaluate(() => history.pushState(null, '', '#next'));
    await waitFor('the batch cut on navigate', () => customEvents(harness, 'sl:track').length > 0);
    expect(harness.received.map((r) => r.gzipped)).toEqual([true]);
  });

  test('across page changes every batch is sent exactly once, and every page arrives', async () => {
    // A slow answer keeps each batch cut on `navigate` in flight when the next page commits, which is when
    // Chromium rejects the leaving page's keepalive fetches although their requests go on.
    harness.ingestDelayMs = 300;
    const steps = 4;
    const page = await open(harness.pageUrl('recorder-steps.html', { 'data-project': 'demo', 'data-flush-interval-ms': '60000' }));
    for (let step = 1; step <= steps; step++) {
      await page.waitForFunction(() => window.Sightline !== undefined);
      await page.locator('#look').click();
      if (step === steps) break;
      await Promise.all([page.waitForURL(`**step=${step + 1}*`, { waitUntil: 'domcontentloaded' }), page.locator('#next').click()]);
    }
    await page.evaluate(() => window.Sightline!.flush());
    await page.context().close(); // pagehide sends nothing new: the flush took it all
    await new Promise((resolve) => setTimeout(resolve, 500));

    const sends = new Map<string, number>();
    for (const { batch } of harness.received) sends.set(`${batch.windowId}/${batch.seq}`, (sends.get(`${batch.windowId}/${batch.seq}`) ?? 0) + 1);
    expect([...sends].filter(([, count]) => count > 1)).toEqual([]);
    const seqs = harness.received.map((r) => r.batch.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_seq, i) => i)); // one window, none missing
    expect(new Set(harness.received.map((r) => r.batch.windowId)).size).toBe(1);
    expect(receivedEvents(harness).filter((e) => e.type === 2)).toHaveLength(steps); // a full snapshot per page
    expect(customEvents(harness, 'sl:click').filter((c) => c.selector === '#look')).toHaveLength(steps);
  });

  test('while the server answers 503 nothing is lost or renumbered, and it all arrives once it is back', async () => {
    harness.ingestStatus = 503;
    const page = await openRecording({ 'data-flush-interval-ms': '200' });
    for (const name of ['one', 'two', 'three']) {
      await page.evaluate((event) => window.Sightline!.track(event, {}), name);
      await page.waitForTimeout(300);
    }
    expect(harness.received).toEqual([]);
    harness.ingestStatus = 200;
    await waitFor('all batches', async () => {
      await page.evaluate(() => window.Sightline!.flush()); // skips the current backoff wait
      return customEvents(harness, 'sl:track').length === 3;
    });
    const seqs = harness.received.map((r) => r.batch.seq);
    expect(seqs).toEqual(seqs.map((_seq, i) => i)); // in order, none missing, none twice
    expect(customEvents(harness, 'sl:track').map((t) => t.name)).toEqual(['one', 'two', 'three']);
    expect(receivedEvents(harness)[0].type).toBe(0); // from the very first event on
  });

  test('a second copy of the script tag leaves the running recorder alone', async () => {
    const warnings: string[] = [];
    const page = await openRecording({});
    page.on('console', (message) => void (message.type() === 'warning' && warnings.push(message.text())));
    const client = await page.evaluateHandle(() => window.Sightline);
    await page.addScriptTag({ url: `${harness.origin}/recorder.js` });
    expect(await page.evaluate((first) => window.Sightline === first, client)).toBe(true);
    await page.locator('#buy').click();
    await page.evaluate(() => window.Sightline!.flush());
    expect(customEvents(harness, 'sl:click')).toHaveLength(1); // one rrweb, one listener
    expect(receivedEvents(harness).filter((e) => e.type === 2)).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  test('a script tag without data-project warns once in the console and never throws into the page', async () => {
    const warnings: string[] = [];
    const pageErrors: Error[] = [];
    const context = await browser.newContext();
    const page = await context.newPage();
    pages.push(page);
    page.on('console', (message) => void (message.type() === 'warning' && warnings.push(message.text())));
    page.on('pageerror', (error) => void pageErrors.push(error));
    await page.goto(harness.pageUrl('recorder-shop.html', {}), { waitUntil: 'domcontentloaded' });
    await page.locator('#buy').click();
    expect(await page.evaluate(() => window.Sightline)).toBeUndefined();
    expect(warnings).toEqual(['[sightline] Sightline: the script tag needs data-project="<your project key>"']);
    expect(pageErrors).toEqual([]);
  });
});
