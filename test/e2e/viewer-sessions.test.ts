import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { builtViewerDir } from '../helpers/screenshots.ts';
import { FakeApi, LIST_TOTAL, savedFunnels } from './viewer-fake-api.ts';

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
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

beforeEach(async () => {
  api.listMode = 'rows';
  api.funnelsMode = 'saved';
  // A fixed time zone makes the date filters' local midnights predictable.
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'UTC', locale: 'en-US' });
  pageErrors = [];
  context.on('page', (opened) => opened.on('pageerror', (error) => pageErrors.push(error)));
  page = await context.newPage();
});

afterEach(async () => {
  await context.close();
  expect(pageErrors.map((error) => error.message)).toEqual([]);
});

function lastListQuery(): URLSearchParams | undefined {
  return api.requestsTo(/^\/api\/sessions$/).at(-1)?.query;
}

async function open(hash: string) {
  await page.goto(`${api.url}/${hash}`, { waitUntil: 'domcontentloaded' });
}

describe('viewer | sessions list', () => {
  test('renders one linked row per session from the API, with paging "1–50 of 120"', async () => {
    await open('#/');
    const rows = page.getByTestId('session-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(50);
    const first = rows.first();
    expect(await first.getAttribute('data-session-id')).toBe('s-counter');
    // Start, duration (m:ss), pages, clicks, what happened, cart, device, browser, entry path and user id.
    const cells = (await first.locator('td').allInnerTexts()).map((cell) => cell.trim().replace(/\s+/g, ' '));
    expect(cells[0]).toMatch(/Jan 7, 2023/);
    expect(cells.slice(1, 3)).toEqual(['1:06', '2']);
    expect(cells.slice(4)).toEqual(['Rage Dead Error Abandoned', '42.50', 'Desktop', 'Chrome 120', '/', 'user-42']);
    const badges = first.getByTestId('session-badges').locator('.badge');
    expect(await badges.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('title')))).toEqual([
      '1 rage click', '1 dead click', '1 error click, 1 JavaScript error', 'Left a cart of 42.50 unfinished',
    ]);
    expect(await page.getByTestId('pager-range').innerText()).toBe(`1–50 of ${LIST_TOTAL}`);

    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/viewer-sessions.png', fullPage: false });

    await first.locator('td').nth(6).click();
    await page.waitForFunction(() => location.hash === '#/sessions/s-counter');
    await page.getByTestId('replay').waitFor();
  });

  test('orders by friction on request: the hash and the API query say so, and clearing filters keeps the order', async () => {
    await open('#/?device=mobile');
    await page.getByTestId('session-row').first().waitFor();
    expect(await page.getByTestId('filter-sort').inputValue()).toBe('recent');
    await page.getByTestId('filter-sort').selectOption('friction');
    await expect.poll(() => lastListQuery()?.get('sort')).toBe('friction');
    expect(await page.evaluate(() => location.hash)).toBe('#/?device=mobile&sort=friction');
    await page.getByTestId('filter-clear').click();
    await page.waitForFunction(() => location.hash === '#/?sort=friction');
    await expect.poll(() => lastListQuery()?.has('device')).toBe(false);
    expect(lastListQuery()?.get('sort')).toBe('friction');
    await page.getByTestId('filter-sort').selectOption('recent');
    await page.waitForFunction(() => location.hash === '#/');
    expect(lastListQuery()?.has('sort')).toBe(false);
  });

  test('pages forward and back through offset', async () => {
    await open('#/');
    await page.getByTestId('session-row').first().waitFor();
    await page.getByTestId('pager-next').click();
    await expect.poll(() => page.getByTestId('pager-range').innerText()).toBe(`51–100 of ${LIST_TOTAL}`);
    expect(lastListQuery()?.get('offset')).toBe('50');
    expect(await page.evaluate(() => location.hash)).toBe('#/?page=2');
    expect(await page.getByTestId('pager-next').isDisabled()).toBe(false);

    await page.getByTestId('pager-next').click();
    await expect.poll(() => page.getByTestId('pager-range').innerText()).toBe(`101–120 of ${LIST_TOTAL}`);
    expect(await page.getByTestId('pager-next').isDisabled()).toBe(true);

    await page.getByTestId('pager-prev').click();
    await expect.poll(() => lastListQuery()?.get('offset')).toBe('50');
  });

  test('puts every filter into the hash and the API query, and a shared link restores them', async () => {
    await open('#/');
    await page.getByTestId('session-row').first().waitFor();

    await page.getByTestId('filter-url').fill('checkout');
    await page.getByTestId('filter-url').press('Enter');
    await expect.poll(() => lastListQuery()?.get('url')).toBe('checkout');
    await page.getByTestId('filter-device').selectOption('mobile');
    await expect.poll(() => lastListQuery()?.get('device')).toBe('mobile');
    await page.getByTestId('filter-min-duration').fill('30');
    await page.getByTestId('filter-min-duration').press('Enter');
    await expect.poll(() => lastListQuery()?.get('minDurationMs')).toBe('30000');
    await page.getByTestId('filter-user').fill('user-4');
    await page.getByTestId('filter-user').press('Enter');
    await expect.poll(() => lastListQuery()?.get('userId')).toBe('user-4');
    await page.getByTestId('filter-from').fill('2023-01-07');
    await expect.poll(() => lastListQuery()?.get('from')).toBe(String(Date.UTC(2023, 0, 7)));
    await page.getByTestId('filter-to').fill('2023-01-08');
    // `to` is inclusive of the whole day: up to the millisecond before the next midnight.
    await expect.poll(() => lastListQuery()?.get('to')).toBe(String(Date.UTC(2023, 0, 9) - 1));

    const query = lastListQuery()!;
    expect(query.get('url')).toBe('checkout');
    expect(query.get('device')).toBe('mobile');
    expect(query.get('minDurationMs')).toBe('30000');
    expect(query.get('offset')).toBe('0');
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toBe('#/?from=2023-01-07&to=2023-01-08&url=checkout&minDuration=30&user=user-4&device=mobile');

    // The same link in a fresh tab asks for the same sessions and shows the filters it applied.
    const shared = await context.newPage();
    const before = api.requestsTo(/^\/api\/sessions$/).length;
    await shared.goto(`${api.url}/${hash}`, { waitUntil: 'domcontentloaded' });
    await shared.getByTestId('session-row').first().waitFor();
    const sharedQuery = api.requestsTo(/^\/api\/sessions$/)[before].query;
    for (const key of ['url', 'device', 'minDurationMs', 'userId', 'from', 'to']) {
      expect(sharedQuery.get(key)).toBe(query.get(key));
    }
    expect(await shared.getByTestId('filter-url').inputValue()).toBe('checkout');
    expect(await shared.getByTestId('filter-device').inputValue()).toBe('mobile');

    await shared.getByTestId('filter-clear').click();
    await shared.waitForFunction(() => location.hash === '#/');
    await expect.poll(() => lastListQuery()?.has('url')).toBe(false);
  });

  test('puts the signal, custom event and funnel filters into the hash and the API query', async () => {
    await open('#/');
    await page.getByTestId('session-row').first().waitFor();

    await page.getByTestId('filter-hasRage').check();
    await expect.poll(() => lastListQuery()?.get('hasRage')).toBe('true');
    await page.getByTestId('filter-abandonedForm').check();
    await expect.poll(() => lastListQuery()?.get('abandonedForm')).toBe('true');
    expect(lastListQuery()?.get('hasRage')).toBe('true');
    await page.getByTestId('filter-event').fill('add_to_cart');
    await page.getByTestId('filter-event').press('Enter');
    await expect.poll(() => lastListQuery()?.get('event')).toBe('add_to_cart');

    // The funnel select lists the saved funnels; picking one asks for the sessions that entered it.
    const funnel = page.getByTestId('filter-funnel');
    await page.locator('[data-testid="filter-funnel"][data-state="ready"]').waitFor();
    expect(await funnel.locator('option').allInnerTexts()).toEqual(['Any', ...savedFunnels.map((saved) => saved.name)]);
    await funnel.selectOption({ label: 'Checkout' });
    await expect.poll(() => lastListQuery()?.get('funnel')).toBe('7');
    expect(lastListQuery()?.has('reachedStep')).toBe(false);
    const step = page.getByTestId('filter-funnel-step');
    expect(await step.locator('option').allInnerTexts()).toEqual([
      'Entered (step 1: /demo)',
      'Reached step 2: /demo/product.html',
      'Reached step 3: /demo/cart.html',
      'Reached step 4: event purchase',
      'Dropped before step 2: /demo/product.html',
      'Dropped before step 3: /demo/cart.html',
      'Dropped before step 4: event purchase',
    ]);
    await step.selectOption({ label: 'Dropped before step 3: /demo/cart.html' });
    await expect.poll(() => lastListQuery()?.get('droppedAtStep')).toBe('2');
    await step.selectOption({ label: 'Reached step 4: event purchase' });
    await expect.poll(() => lastListQuery()?.get('reachedStep')).toBe('3');
    expect(lastListQuery()?.has('droppedAtStep')).toBe(false);

    const hash = await page.evaluate(() => location.hash);
    expect(hash).toBe('#/?hasRage=true&abandonedForm=true&event=add_to_cart&funnel=7&reachedStep=3');

    // A shared link restores every control, and another funnel starts again from "entered".
    const shared = await context.newPage();
    await shared.goto(`${api.url}/${hash}`, { waitUntil: 'domcontentloaded' });
    await shared.getByTestId('session-row').first().waitFor();
    expect(await shared.getByTestId('filter-hasRage').isChecked()).toBe(true);
    expect(await shared.getByTestId('filter-hasDead').isChecked()).toBe(false);
    expect(await shared.getByTestId('filter-abandonedForm').isChecked()).toBe(true);
    expect(await shared.getByTestId('filter-event').inputValue()).toBe('add_to_cart');
    await shared.locator('[data-testid="filter-funnel"][data-state="ready"]').waitFor();
    expect(await shared.getByTestId('filter-funnel').inputValue()).toBe('7');
    expect(await shared.getByTestId('filter-funnel-step').inputValue()).toBe('reached:3');
    await shared.getByTestId('filter-funnel').selectOption({ label: 'Sign-ups' });
    await shared.waitForFunction(() => location.hash === '#/?hasRage=true&abandonedForm=true&event=add_to_cart&funnel=9');
    await shared.getByTestId('filter-hasRage').uncheck();
    await shared.waitForFunction(() => location.hash === '#/?abandonedForm=true&event=add_to_cart&funnel=9');
    await expect.poll(() => lastListQuery()?.has('hasRage')).toBe(false);
    await mkdir('test-results', { recursive: true });
    await shared.screenshot({ path: 'test-results/viewer-sessions-filters.png' });
  });

  test('without saved funnels the funnel filter says so, and a failed funnel list leaves the list working', async () => {
    api.funnelsMode = 'none';
    await open('#/');
    await page.locator('[data-testid="filter-funnel"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('filter-funnel').isDisabled()).toBe(true);
    expect(await page.getByTestId('filter-funnel').innerText()).toContain('No saved funnels');

    api.funnelsMode = 'error';
    const other = await context.newPage();
    await other.goto(`${api.url}/#/?hasDead=true`, { waitUntil: 'domcontentloaded' });
    await other.locator('[data-testid="filter-funnel"][data-state="error"]').waitFor();
    await other.getByTestId('session-row').first().waitFor();
    expect(lastListQuery()?.get('hasDead')).toBe('true');
  });

  test('a replay opened from a filtered page links back to that same page', async () => {
    await open('#/?device=mobile&page=2');
    await page.getByTestId('session-row').first().click();
    await page.getByTestId('replay').waitFor();
    const back = page.getByRole('link', { name: '← All sessions' });
    expect(await back.getAttribute('href')).toBe('#/?device=mobile&page=2');
    await back.click();
    await page.getByTestId('session-row').first().waitFor();
    expect(lastListQuery()?.get('device')).toBe('mobile');
    expect(lastListQuery()?.get('offset')).toBe('50');
  });

  test('shows the empty state with the recorder snippet and a link to the demo store', async () => {
    api.listMode = 'empty';
    await open('#/');
    const empty = page.getByTestId('sessions-empty');
    await empty.waitFor();
    expect(await empty.innerText()).toContain('No sessions recorded yet');
    // The tag of the project shown (the fake's only one is `demo`), ready to paste.
    expect(await empty.locator('pre').innerText()).toBe(`<script src="${api.url}/recorder.js" data-project="demo" async></script>`);
    expect(await empty.locator('a[href="/demo/"]').count()).toBe(1);
    expect(await page.getByTestId('demo-traffic-hint').innerText()).toMatch(
      new RegExp(`run SIGHTLINE_URL=${api.url.replace(/\./g, '\\.')} npm run demo:traffic .*Chromium.*about 3 minutes`),
    );
    expect(await page.getByTestId('session-row').count()).toBe(0);
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/viewer-sessions-empty.png' });
  });

  test('says when filters match nothing, rather than that nothing was recorded', async () => {
    api.listMode = 'empty';
    await open('#/?device=tablet');
    const empty = page.getByTestId('sessions-empty');
    await empty.waitFor();
    expect(await empty.innerText()).toContain('No sessions match these filters');
    expect(await empty.innerText()).not.toContain('No sessions recorded yet');
  });

  test('shows the API error message and loads the list on retry', async () => {
    api.listMode = 'error';
    await open('#/');
    const error = page.getByTestId('sessions-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('The database is locked by another process');

    api.listMode = 'rows';
    await page.getByTestId('retry').click();
    await page.getByTestId('session-row').first().waitFor();
    expect(await page.getByTestId('sessions-error').count()).toBe(0);
  });
});
