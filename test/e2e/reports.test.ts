/**
 * The Funnels, Forms and Checkout pages end to end, in real Chromium: three scripted shoppers walk the demo store
 * with the recorder embedded (one abandons at the card number, one buys, one adds to the cart and leaves), then the
 * viewer, served by the real server, must show what they did: the checkout funnel's counts per step, a drop-off that
 * opens its replay, a saved funnel that is still there after a reload, the card number as the form's top drop-off,
 * and the revenue and conversion of the one purchase. Each page is screenshotted and checked to be drawn.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { FormsResponse, FunnelQueryResponse } from '../../contract/insights.ts';
import type { SessionDetail, SessionList } from '../../contract/api.ts';
import { abandonAtCard, addToCartAndLeave, completePurchase } from '../../demo/journeys.ts';
import { flushRecorder } from '../../demo/human.ts';
import { createShopper } from '../../demo/shopper.ts';
import { checkoutPreset } from '../../viewer/src/lib/reports-api.ts';
import { launchChromium } from '../../support/browser.ts';
import { distinctColours } from '../helpers/screenshots.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';


/** Slack for a playing replay to move on between a seek and the test reading the clock, ms. */
const PLAYBACK_SLACK_MS = 4000;

describe('e2e | funnels, forms and checkout pages over demo shoppers', () => {
  let server: TestServer;
  let browser: Browser;
  /** Session ids by journey, and how many preset steps each reached. */
  const shoppers: Record<'abandoned' | 'bought' | 'carted', { sessionId: string; reached: number }> = {} as never;
  let orderTotal = '';

  async function shop(name: keyof typeof shoppers, index: number, walk: (page: Page, base: string) => Promise<number>) {
    const before = new Set(((await (await adminFetch(`${server.url}/api/sessions`)).json()) as SessionList).sessions.map((s) => s.id));
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const reached = await walk(page, `${server.url}/demo/`);
    expect(await flushRecorder(page)).toBe(true);
    await context.close();
    const list = (await (await adminFetch(`${server.url}/api/sessions`)).json()) as SessionList;
    const added = list.sessions.filter((session) => !before.has(session.id));
    expect(added, `${name} (shopper ${index}) should record one session`).toHaveLength(1);
    shoppers[name] = { sessionId: added[0].id, reached };
  }

  async function openViewer(hash: string, testid: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await server.signIn(page.context());
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(`${server.url}/${hash}`, { waitUntil: 'domcontentloaded' });
    await page.locator(`[data-testid="${testid}"]:not([data-state="loading"])`).waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
    return page;
  }

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    await shop('abandoned', 1, async (page, base) => {
      await abandonAtCard(page, base, createShopper({ index: 1, seed: 21, pace: 0 }));
      return 4; // list, product, cart, checkout_start
    });
    await shop('bought', 2, async (page, base) => {
      orderTotal = (await completePurchase(page, base, createShopper({ index: 2, seed: 22, pace: 0 }))).total;
      return 5;
    });
    await shop('carted', 3, async (page, base) => {
      const outcome = await addToCartAndLeave(page, base, createShopper({ index: 3, seed: 23, pace: 0 }));
      return outcome.summary.includes('saw the cart') ? 3 : 2;
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close().catch(() => undefined);
  });

  test('the checkout preset shows the sessions per step, and a drop-off opens its replay there', async () => {
    const page = await openViewer('#/funnels', 'funnels');
    expect(await page.getAttribute('[data-testid="funnels"]', 'data-state')).toBe('empty');
    await page.click('[data-testid="checkout-preset"]');
    await page.locator('[data-testid="funnels"][data-state="ready"]').waitFor();

    const reached = Object.values(shoppers).map((shopper) => shopper.reached);
    const expected = checkoutPreset.map((_, step) => reached.filter((count) => count > step).length);
    expect(await page.locator('[data-testid="funnel-step-sessions"]').allTextContents()).toEqual(expected.map(String));
    const bars = page.locator('[data-testid="funnel-bar"]');
    expect(await bars.evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute('data-sessions'))))).toEqual(expected);
    const chartBox = await page.locator('[data-testid="funnel-chart"] svg').boundingBox();
    expect(chartBox!.width * chartBox!.height).toBeGreaterThan(10_000);

    // The purchase step (4): only the shopper who left at the card number dropped there.
    const row = page.locator('[data-testid="funnel-step-row"][data-step="4"]');
    await row.locator('[data-testid="funnel-dropped-toggle"]').click();
    const dropped = page.locator('[data-testid="dropped-list"][data-step="4"] [data-testid="dropped-row"]');
    await dropped.locator('[data-testid="dropped-replay"]').waitFor();
    expect(await dropped.getAttribute('data-session-id')).toBe(shoppers.abandoned.sessionId);

    const funnel = (await (
      await adminFetch(`${server.url}/api/funnels/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ steps: checkoutPreset }),
      })
    ).json()) as FunnelQueryResponse;
    const { session } = (await (await adminFetch(`${server.url}/api/sessions/${shoppers.abandoned.sessionId}`)).json()) as SessionDetail;
    const offset = Math.round(funnel.steps[4].dropped[0].lastStepTs - session.startedAt);
    expect(offset).toBeGreaterThan(0);
    const href = await dropped.locator('[data-testid="dropped-replay"]').getAttribute('href');
    expect(href).toBe(`#/sessions/${shoppers.abandoned.sessionId}?t=${offset}`);

    expect(await distinctColours(page, await page.screenshot({ path: 'test-results/funnels.png', fullPage: true }))).toBeGreaterThan(20);
    await dropped.locator('[data-testid="dropped-replay"]').click();
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor({ timeout: 30_000 });
    await page.close();
  }, 90_000);

  test('a saved funnel is listed after a reload and links its drop-offs to the sessions list', async () => {
    const page = await openViewer('#/funnels', 'funnels');
    await page.click('[data-testid="checkout-preset"]');
    await page.locator('[data-testid="funnels"][data-state="ready"]').waitFor();
    await page.fill('[data-testid="funnel-name"]', 'Demo checkout');
    await page.click('[data-testid="save-funnel"]');
    await page.waitForFunction(() => /[?&]funnel=\d+/.test(location.hash));
    const id = Number(/funnel=(\d+)/.exec(await page.evaluate(() => location.hash))![1]);

    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="funnels"][data-state="ready"]').waitFor();
    const options = await page.locator('[data-testid="saved-funnels"] option').allTextContents();
    expect(options).toContain('Demo checkout (5 steps)');
    expect(await page.locator('[data-testid="saved-funnels"]').inputValue()).toBe(String(id));

    await page.locator('[data-testid="funnel-step-row"][data-step="4"] [data-testid="funnel-dropped-toggle"]').click();
    const list = page.locator('[data-testid="dropped-list"][data-step="4"]');
    await list.locator('[data-testid="dropped-replay"]').waitFor();
    expect(await list.locator('[data-testid="dropped-row"]').getAttribute('data-session-id')).toBe(shoppers.abandoned.sessionId);
    expect(await list.locator('[data-testid="dropped-sessions-link"]').getAttribute('href')).toBe(
      `#/?funnel=${id}&droppedAtStep=4`,
    );
    await page.close();
  }, 60_000);

  test('Forms shows the checkout form with the card number as the top drop-off', async () => {
    const page = await openViewer('#/forms', 'forms');
    expect(await page.getAttribute('[data-testid="forms"]', 'data-state')).toBe('ready');
    const card = page.locator('[data-testid="form-card"]', { has: page.locator('code', { hasText: 'checkout.html' }) });
    expect(await card.count()).toBe(1);
    expect(await card.locator('[data-testid="form-started"] strong').textContent()).toBe('2');
    expect(await card.locator('[data-testid="form-submitted"] strong').textContent()).toBe('1');
    expect(await card.locator('[data-testid="form-abandoned"] strong').textContent()).toBe('1');
    const top = card.locator('[data-testid="form-dropoffs-row"]').first();
    expect(await top.getAttribute('data-key')).toContain('card-number');
    expect(await top.getAttribute('data-value')).toBe('1');
    const barBox = await top.locator('.fill').boundingBox();
    expect(barBox!.width).toBeGreaterThan(50);
    // Fields read as the shopper saw them; the selector is the tooltip.
    const cardRow = card.locator('[data-testid="form-field-row"][data-field="#card-number"]');
    expect(await cardRow.getByTestId('form-field-name').innerText()).toBe('"Card number" text field');
    expect(await cardRow.getByTestId('form-field-name').getAttribute('title')).toBe('#card-number');
    expect(await distinctColours(page, await page.screenshot({ path: 'test-results/forms.png', fullPage: true }))).toBeGreaterThan(20);

    // The card number's drop-off opens the abandoning shopper's replay where they left the field.
    const { forms } = (await (await adminFetch(`${server.url}/api/forms`)).json()) as FormsResponse;
    const dropOff = forms.flatMap((form) => form.fields).find((field) => field.field === '#card-number')!.latestDropOff!;
    expect(dropOff.sessionId).toBe(shoppers.abandoned.sessionId);
    expect(dropOff.offsetMs).toBeGreaterThan(0);
    const watch = cardRow.getByTestId('form-field-dropoff-replay');
    expect(await watch.getAttribute('href')).toBe(
      `#/sessions/${dropOff.sessionId}?t=${Math.round(dropOff.offsetMs)}&window=${dropOff.windowId}`,
    );
    await watch.click();
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor({ timeout: 30_000 });
    const currentTime = () => page.getByTestId('current-time').getAttribute('data-ms').then(Number);
    await expect.poll(currentTime, { timeout: 15_000 }).toBeGreaterThanOrEqual(dropOff.offsetMs);
    expect(await currentTime()).toBeLessThan(dropOff.offsetMs + PLAYBACK_SLACK_MS);
    // The replayed page is the checkout with its card number field.
    await page.frameLocator('[data-testid="player"] iframe').locator('#card-number').waitFor({ state: 'attached', timeout: 15_000 });
    await page.close();
  }, 90_000);

  test('Checkout shows the revenue of the one purchase and one conversion in three sessions', async () => {
    const page = await openViewer('#/metrics', 'metrics');
    expect(await page.getAttribute('[data-testid="metrics"]', 'data-state')).toBe('ready');
    expect(orderTotal).toMatch(/^\$\d/);
    expect(await page.locator('[data-testid="metric-revenue-value"]').textContent()).toBe(orderTotal);
    expect(await page.locator('[data-testid="metric-aov-value"]').textContent()).toBe(orderTotal);
    expect(await page.locator('[data-testid="metric-conversion-value"]').textContent()).toBe('33%');
    // All three put something in the cart; two left without buying.
    expect(await page.locator('[data-testid="metric-cart-abandonment-value"]').textContent()).toBe('67%');
    const dayBars = page.locator('[data-testid="metric-day"] rect.bar');
    expect(await dayBars.count()).toBeGreaterThanOrEqual(1);
    expect(Number(await dayBars.last().getAttribute('height'))).toBeGreaterThan(50);
    expect(await distinctColours(page, await page.screenshot({ path: 'test-results/metrics.png', fullPage: true }))).toBeGreaterThan(20);
    await page.close();
  }, 60_000);

  test.each([
    ['#/forms', 'forms', '/api/forms'],
    ['#/metrics', 'metrics', '/api/metrics'],
  ])('%s: a failed load shows the error, and Retry loads it again', async (hash, testid, route) => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await server.signIn(page.context());
    let refused = 0;
    await page.route(`**${route}*`, async (request) => {
      if (refused++ === 0) {
        await request.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'Down for a moment' } }) });
      } else {
        await request.continue();
      }
    });
    await page.goto(`${server.url}/${hash}`, { waitUntil: 'domcontentloaded' });
    const section = page.locator(`[data-testid="${testid}"]`);
    await page.locator(`[data-testid="${testid}"][data-state="error"]`).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId(`${testid}-error`).innerText()).toContain('Down for a moment');
    await page.getByTestId('retry').click();
    await page.locator(`[data-testid="${testid}"][data-state="ready"]`).waitFor({ timeout: 15_000 });
    expect(refused).toBe(2);
    expect(await section.getAttribute('data-state')).toBe('ready');
    await page.close();
  }, 60_000);
});
