/**
 * The viewer over the real server's pipeline, in Chromium: a session ingested while derivation is held back is listed
 * "Processing…", and its badge goes once derivation resumes, told by GET /api/status; after the page patterns change,
 * Settings re-derives the history through POST /api/rederive and says when it is done. The viewer's side of each is
 * tested in detail against the fake API (viewer-pipeline.test.ts); this checks the two agree.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { StatusResponse } from '../../contract/api.ts';
import { launchChromium } from '../../support/browser.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { STATUS_POLL_MS } from '../../viewer/src/lib/pipeline-status.ts';
import { visit } from '../api/shop-events.ts';
import { makeBatch, newId, postBatch } from '../api/support.ts';

describe('e2e | viewer over the pipeline', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: Error[] = [];

  beforeAll(async () => {
    server = await startTestServer({}, { consumer: { paused: true } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    await server.signIn(context);
    pageErrors = [];
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
  });
  afterEach(async () => {
    await context?.close();
    expect(pageErrors.map((error) => error.message)).toEqual([]);
  });

  const status = async () => (await (await adminFetch(`${server.url}/api/status`)).json()) as StatusResponse;

  test('a session not derived yet is listed processing until derivation catches up', async () => {
    const sessionId = newId();
    const shopper = visit(Date.now() - 60_000);
    const batch = makeBatch([...shopper.load(0, '/product/blue-shirt'), shopper.click(500, '#buy'), shopper.mutation(600)], { sessionId });
    expect((await postBatch(server.url, batch)).status).toBe(200);
    expect((await status()).derivation.pendingChunks).toBe(1);

    await page.goto(`${server.url}/#/`, { waitUntil: 'domcontentloaded' });
    const row = page.locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`);
    await row.getByTestId('processing-badge').waitFor({ timeout: 15_000 });
    const pages = row.locator('td').nth(2);
    expect(await pages.innerText()).toBe('0');

    server.pipeline.consumer.resume();
    await server.waitForDerivation();
    await row.getByTestId('processing-badge').waitFor({ state: 'detached', timeout: 3 * STATUS_POLL_MS });
    // The row came again with its derived figures: the page its sl:page event names.
    expect(await pages.innerText()).toBe('1');
  });

  test('Settings re-derives the history after the page patterns change, and says when it is done', async () => {
    // The session of the test above, derived under the default grouping.
    const pageKeys = () => server.db.prepare('SELECT DISTINCT page_key FROM page_views').pluck().all();
    expect(pageKeys()).toEqual(['/product/blue-shirt']);
    await page.goto(`${server.url}/#/settings`, { waitUntil: 'domcontentloaded' });
    const text = page.getByTestId('page-patterns-text');
    await expect.poll(() => text.isEditable()).toBe(true);
    await text.fill('/product/*');
    await page.getByTestId('page-patterns-save').click();
    await page.getByTestId('rederive-start').click();
    await page.getByTestId('rederive-done').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('rederive-error').count()).toBe(0);
    expect((await status()).rederive).toEqual({ state: 'idle' });
    // The session recorded before the pattern now counts under the pattern's page key.
    expect(pageKeys()).toEqual(['/product/*']);
  });
});
