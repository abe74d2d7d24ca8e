/**
 * A purchase reported twice, end to end in real Chromium: a scripted shopper buys in the demo store (the recorder
 * tracks `purchase` with the order number), the page hands `Sightline.getSessionId()` to "the backend" (this test),
 * which reports the same order at its own, authoritative value through POST /api/events and then refunds part of it.
 * The viewer must count the order once at the backend's value less the refund, show the refund rate, and mark the
 * backend's events as such on the replay.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { completePurchase } from '../../demo/journeys.ts';
import { flushRecorder } from '../../demo/human.ts';
import { createShopper } from '../../demo/shopper.ts';
import { makeServerKey, sendEvents } from '../api/server-event-support.ts';
import { launchChromium } from '../../support/browser.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

/** What the backend knows better than the page: a discount taken off at payment, in dollars. */
const DISCOUNT = 5;
const REFUNDED = 10;

describe('e2e | an order tracked in the browser and reported by the backend', () => {
  let server: TestServer;
  let browser: Browser;
  let sessionId = '';
  let backendValue = 0;

  async function openViewer(hash: string, testid: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await server.signIn(page.context());
    await page.goto(`${server.url}/${hash}`, { waitUntil: 'domcontentloaded' });
    await page.locator(`[data-testid="${testid}"]:not([data-state="loading"])`).waitFor({ timeout: 20_000 });
    return page;
  }

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    const key = await makeServerKey(server);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const order = await completePurchase(page, `${server.url}/demo/`, createShopper({ index: 1, seed: 41, pace: 0 }));
    // What a store's checkout would put in a hidden form field or an X-Sightline-Session header.
    sessionId = await page.evaluate(() => (window as unknown as { Sightline: { getSessionId(): string } }).Sightline.getSessionId());
    expect(await flushRecorder(page)).toBe(true);
    await context.close();

    backendValue = Number(order.total.replace(/[$,]/g, '')) - DISCOUNT;
    const now = Date.now();
    await sendEvents(server, key, {
      events: [
        { id: `order-${order.orderId}`, name: 'purchase', sessionId, timestamp: now, props: { orderId: order.orderId, value: backendValue } },
        { id: `refund-${order.orderId}-1`, name: 'refund', sessionId, timestamp: now + 1, props: { orderId: order.orderId, value: REFUNDED } },
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('Checkout counts the order once, at the backend value less the refund, with the refund rate', async () => {
    const page = await openViewer('#/metrics', 'metrics');
    const money = (value: number) => `$${value.toFixed(2)}`;
    const net = money(backendValue - REFUNDED);
    expect(await page.locator('[data-testid="metric-revenue-value"]').textContent()).toBe(net);
    expect(await page.locator('[data-testid="metric-aov-value"]').textContent()).toBe(net);
    expect(await page.locator('[data-testid="metric-aov"] .detail').textContent()).toBe('1 order');
    expect(await page.locator('[data-testid="metric-refunds-value"]').textContent()).toBe('100%');
    expect(await page.locator('[data-testid="metric-refunds"] .detail').textContent()).toBe(`1 refund, ${money(REFUNDED)} back`);
    await page.close();
  }, 60_000);

  test("the replay marks the backend's events as sent by the server", async () => {
    const page = await openViewer(`#/sessions/${sessionId}`, 'replay');
    const labels = async (selector: string) =>
      (await page.locator(`${selector} .label`).allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
    await page.locator('[data-testid="mark-item"][data-server]').first().waitFor({ timeout: 15_000 });
    expect(await labels('[data-testid="mark-item"][data-server]')).toEqual(['server purchase', 'server refund']);
    // The page's own purchase mark is there too, without the tag.
    expect(await labels('[data-testid="mark-item"][data-kind="track"]:not([data-server])')).toContain('purchase');
    expect(await page.locator('[data-testid="timeline-mark"][data-server]').count()).toBe(2);
    expect(await page.locator('[data-testid="timeline-legend"] [data-kind="server"]').count()).toBe(1);
    await page.close();
  }, 60_000);
});
