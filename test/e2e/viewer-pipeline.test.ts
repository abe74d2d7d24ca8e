/**
 * What the viewer shows of derivation, in Chromium against the fake API: "Processing…" on sessions whose batches are
 * not derived yet (list and replay), a notice while derivation is behind, the status asked only while something
 * waits, and the re-derivation offered after page patterns change, with its progress and its failures.
 * The list tests drive the page's clock (Playwright's fake timers), so the polling interval is stepped, not waited.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { STATUS_POLL_MS } from '../../viewer/src/lib/pipeline-status.ts';
import { builtViewerDir } from '../helpers/screenshots.ts';
import { FakeApi, counterSignals, idleStatus } from './viewer-fake-api.ts';

let browser: Browser;
let api: FakeApi;
let context: BrowserContext;
let page: Page;
// Uncaught exceptions in any page of the test; each test must end with none.
let pageErrors: Error[] = [];

beforeAll(async () => {
  api = new FakeApi(builtViewerDir);
  await api.start();
  browser = await launchChromium();
  await mkdir('test-results', { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

beforeEach(async () => {
  api.status = idleStatus();
  api.processing.clear();
  api.role = 'manage';
  api.patterns = ['/product/*'];
  api.rederiveMode = 'start';
  api.requests.length = 0;
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC', locale: 'en-US' });
  pageErrors = [];
  context.on('page', (opened) => opened.on('pageerror', (error) => pageErrors.push(error)));
  page = await context.newPage();
});

afterEach(async () => {
  await context.close();
  expect(pageErrors.map((error) => error.message)).toEqual([]);
});

const statusAsks = () => api.requestsTo(/^\/api\/status$/).length;
const listFetches = () => api.requestsTo(/^\/api\/sessions$/).length;
const badgeIn = (sessionId: string) => page.locator(`[data-session-id="${sessionId}"] [data-testid="processing-badge"]`);

/** Lets requests the page's timers just sent reach the fake (they travel over real sockets, outside the fake clock). */
async function settle(): Promise<void> {
  await page.evaluate(() => fetch('/index.html').then(() => undefined));
  await new Promise((resolve) => setTimeout(resolve, 300));
}

async function openList(): Promise<void> {
  await page.clock.install();
  await page.goto(`${api.url}/#/`, { waitUntil: 'domcontentloaded' });
  await page.locator('[data-testid="sessions"][data-state="ready"]').waitFor();
  await expect.poll(statusAsks).toBeGreaterThan(0);
  await page.clock.pauseAt(Date.now() + 1_000);
}

describe('viewer | derivation status', () => {
  test('asks the status once when nothing waits, shows no notice and no badge', async () => {
    await openList();
    expect(await page.getByTestId('processing-badge').count()).toBe(0);
    expect(await page.getByTestId('processing-behind').count()).toBe(0);
    await page.clock.runFor(10 * STATUS_POLL_MS);
    await settle();
    expect(statusAsks()).toBe(1);
  });

  test('marks the sessions not yet derived, says how far behind, and refreshes the list once they are derived', async () => {
    api.processing.add('s-counter').add('s-gen-2');
    api.status = {
      ...idleStatus(),
      derivation: { pendingChunks: 1_204, oldestPendingAgeMs: 185_000, behind: true, backlogLimit: 20_000 },
    };
    await openList();
    const notice = page.getByTestId('processing-behind');
    expect(await notice.innerText()).toContain('Processing is 3 minutes behind; new sessions appear late.');
    expect(await notice.innerText()).toContain('1,204 recorded batches wait to be processed.');
    expect(await badgeIn('s-counter').innerText()).toBe('Processing…');
    expect(await badgeIn('s-gen-2').count()).toBe(1);
    expect(await page.getByTestId('processing-badge').count()).toBe(2);
    await page.screenshot({ path: 'test-results/viewer-processing-behind.png' });

    // Still behind: asked again at the interval, and the list is left as it is.
    const lists = listFetches();
    const asks = statusAsks();
    await page.clock.runFor(STATUS_POLL_MS);
    await expect.poll(statusAsks).toBe(asks + 1);
    await settle();
    expect(listFetches()).toBe(lists);
    expect(await page.getByTestId('processing-badge').count()).toBe(2);

    // Caught up: the notice goes, the list is fetched again in place and its badges go with it.
    api.processing.clear();
    api.status = idleStatus();
    await page.clock.runFor(STATUS_POLL_MS);
    await expect.poll(() => page.getByTestId('processing-badge').count()).toBe(0);
    expect(await notice.count()).toBe(0);
    expect(listFetches()).toBe(lists + 1);
    expect(await page.getByTestId('session-row').count()).toBe(50);

    // Nothing waits any more: no more asking.
    const settled = statusAsks();
    await page.clock.runFor(10 * STATUS_POLL_MS);
    await settle();
    expect(statusAsks()).toBe(settled);
  });

  test('a replay of a session still processing plays, says its findings are on their way, and gains them in place', async () => {
    api.processing.add('s-counter');
    api.status = { ...idleStatus(), derivation: { pendingChunks: 2, oldestPendingAgeMs: 1_000, behind: false, backlogLimit: 20_000 } };
    await page.goto(`${api.url}/#/sessions/s-counter`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('processing-badge').innerText()).toBe('Processing… the replay works, findings are on their way');
    expect(await page.getByTestId('mark-item').count()).toBe(0);
    const eventPages = api.requestsTo(/^\/api\/sessions\/s-counter\/events$/).length;

    api.processing.clear();
    api.status = idleStatus();
    // The viewer's own interval, in real time: the player must keep running meanwhile.
    await page.getByTestId('processing-badge').waitFor({ state: 'detached', timeout: 3 * STATUS_POLL_MS });
    await expect.poll(() => page.getByTestId('mark-item').count()).toBeGreaterThanOrEqual(counterSignals.length);
    expect(await page.getByTestId('replay').getAttribute('data-state')).toBe('ready');
    // The detail came again, the events did not: the replay was not reloaded.
    expect(api.requestsTo(/^\/api\/sessions\/s-counter$/).length).toBe(2);
    expect(api.requestsTo(/^\/api\/sessions\/s-counter\/events$/).length).toBe(eventPages);
  });
});

describe('viewer | re-deriving history after a page-pattern change', () => {
  async function openPatterns(shown = '/product/*'): Promise<void> {
    // The project named in the page URL, as the project switcher leaves it: every request then names it.
    await page.goto(`${api.url}/?project=demo#/settings`, { waitUntil: 'domcontentloaded' });
    await expect.poll(() => page.getByTestId('page-patterns-text').inputValue()).toBe(shown);
  }

  async function savePatterns(text: string): Promise<void> {
    await page.getByTestId('page-patterns-text').fill(text);
    await page.getByTestId('page-patterns-save').click();
    await expect.poll(() => api.patterns).toEqual(text.split('\n'));
  }

  test('offers it once changed patterns are saved, shows its progress from the status, and says when it is done', async () => {
    await openPatterns();
    expect(await page.getByTestId('rederive-offer').count()).toBe(0);

    await savePatterns('/product/*\n/blog/**');
    const offer = page.getByTestId('rederive-offer');
    expect(await offer.innerText()).toContain('Pages already recorded keep their old grouping');
    await page.getByTestId('rederive-start').click();
    const progress = page.getByTestId('rederive-progress');
    await progress.waitFor();
    expect(api.requestsTo(/^\/api\/rederive$/, 'POST')).toHaveLength(1);
    expect(api.requestsTo(/^\/api\/rederive$/, 'POST')[0].query.get('project')).toBe('demo');
    expect(await offer.count()).toBe(0);

    api.rederiveProgress(12);
    await expect.poll(() => progress.innerText()).toContain('12 of 40 batches');
    expect(await progress.locator('progress').getAttribute('value')).toBe('12');
    expect(await progress.locator('progress').getAttribute('max')).toBe('40');
    await page.screenshot({ path: 'test-results/viewer-rederive-progress.png' });

    api.rederiveProgress(40);
    await page.getByTestId('rederive-done').waitFor();
    expect(await page.getByTestId('rederive-done').innerText()).toContain('follow the page patterns');
    expect(await progress.count()).toBe(0);
    expect(await page.getByTestId('rederive-start').count()).toBe(0);
  });

  test('shows why it could not start: a failure, or one already running (whose progress it then shows)', async () => {
    await openPatterns();
    await savePatterns('/blog/**');
    api.rederiveMode = 'error';
    await page.getByTestId('rederive-start').click();
    await expect.poll(() => page.getByTestId('rederive-error').innerText()).toBe('The database is locked by another process');
    expect(await page.getByTestId('rederive-start').isEnabled()).toBe(true);

    // Someone else started one meanwhile: 409, and that run's progress.
    api.rederiveMode = 'start';
    api.status = { ...idleStatus(), rederive: { state: 'running', doneChunks: 5, totalChunks: 40, startedAt: Date.now() } };
    await page.getByTestId('rederive-start').click();
    await expect.poll(() => page.getByTestId('rederive-error').innerText()).toContain('being re-derived already');
    await expect.poll(() => page.getByTestId('rederive-progress').innerText()).toContain('5 of 40 batches');
  });

  test('a read-only sign-in sees the patterns and a running re-derivation, and is never offered one', async () => {
    api.role = 'read';
    api.patterns = ['/product/*', '/blog/**'];
    api.status = { ...idleStatus(), rederive: { state: 'running', doneChunks: 30, totalChunks: 40, startedAt: Date.now() } };
    await openPatterns('/product/*\n/blog/**');
    expect(await page.getByTestId('page-patterns-read-only').count()).toBe(1);
    await expect.poll(() => page.getByTestId('rederive-progress').innerText()).toContain('30 of 40 batches');
    for (const testid of ['page-patterns-save', 'rederive-offer', 'rederive-start']) {
      expect(await page.getByTestId(testid).count(), testid).toBe(0);
    }
  });
});
