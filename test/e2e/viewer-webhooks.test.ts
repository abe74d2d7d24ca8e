/**
 * The webhooks panel on the Settings page, in real Chromium over the real server and dispatcher: add a webhook for
 * a local receiver, copy its secret (shown once), send a test event and watch it arrive as "Delivered" in the log;
 * the receiver verifies it with the copied secret. Also the empty and error states.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { defaultConfig } from '../../server/config.ts';
import { createWebhookDispatcher, type WebhookDispatcher } from '../../server/webhooks/dispatcher.ts';
import { verifySignature } from '../../server/webhooks/signing.ts';
import { launchChromium } from '../../support/browser.ts';
import { ALLOW_LOCAL_RECEIVERS } from '../../support/outbound.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';

describe('e2e | viewer webhooks panel', () => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let dispatcher: WebhookDispatcher;
  let browser: Browser;
  let context: BrowserContext;
  let pageErrors: Error[] = [];

  beforeAll(async () => {
    server = await startTestServer(ALLOW_LOCAL_RECEIVERS);
    receiver = await startWebhookReceiver();
    dispatcher = createWebhookDispatcher(server.store, { ...defaultConfig.webhooks, pollMs: 100, publicUrl: server.url, outbound: server.outbound });
    dispatcher.start();
    browser = await launchChromium();
  });
  afterEach(async () => {
    await context?.close();
    expect(pageErrors.map((error) => error.message)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await dispatcher?.stop();
    await receiver?.close();
    await server?.close();
  });

  async function openSettings(): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await server.signIn(context);
    pageErrors = [];
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${server.url}/#/settings`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="webhooks"]:not([data-state="loading"])').waitFor({ timeout: 15_000 });
    return page;
  }

  test('add a webhook, copy its secret, send a test event and see it delivered in the log', async () => {
    const page = await openSettings();
    expect(await page.getByTestId('webhooks').getAttribute('data-state')).toBe('empty');
    expect(await page.getByTestId('nav-settings').getAttribute('aria-current')).toBe('page');

    await page.getByTestId('webhook-url').fill(receiver.url);
    await page.getByTestId('webhook-event-rage_click').check();
    await page.getByTestId('webhook-add').click();
    const secretBox = page.getByTestId('webhook-secret');
    await secretBox.waitFor();
    const secret = await page.getByTestId('webhook-secret-value').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await page.getByTestId('webhook-secret-copy').click();
    await expect.poll(() => page.getByTestId('webhook-secret-copy').innerText()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    const row = page.getByTestId('webhook');
    expect(await row.count()).toBe(1);
    expect(await row.innerText()).toContain('Cart abandoned, Rage click');

    await row.getByTestId('webhook-test').click();
    const delivered = row.locator('[data-testid="delivery-row"][data-status="delivered"]');
    await delivered.waitFor({ timeout: 15_000 });
    const cells = (await delivered.locator('td').allInnerTexts()).map((cell) => cell.trim());
    expect(cells[0]).toMatch(/^Test event\s+evt_/);
    expect(cells.slice(1, 4)).toEqual(['Delivered', '1', 'HTTP 200']);

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(cells[0]).toContain(request.eventId);
    expect(request.eventType).toBe('test');
    expect(verifySignature(secret, request.signature, request.body, request.at)).toBe(true);
    await page.screenshot({ path: 'test-results/viewer-webhooks.png', fullPage: true }).catch(() => {});

    // The secret was shown once: after a reload the webhook is listed, its secret nowhere on the page.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="webhooks"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('webhook-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await page.getByTestId('webhook-delete').click();
    await page.getByTestId('webhook-delete-confirm').click();
    await page.getByTestId('webhooks-empty').waitFor();
  });

  test('a refused URL shows the server\'s reason next to the form', async () => {
    const page = await openSettings();
    await page.getByTestId('webhook-url').fill('ftp://hooks.example/x');
    // The browser's own URL check accepts ftp:, so the server is the one to refuse it.
    await page.getByTestId('webhook-add').click();
    const error = page.getByTestId('webhook-form-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('expected an http:// or https:// URL');
  });

  test('shows an error with a retry when the webhooks cannot be loaded', async () => {
    const page = await openSettings();
    await page.route('**/api/webhooks', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"Down for maintenance"}}' }));
    await page.reload({ waitUntil: 'domcontentloaded' });
    const notice = page.getByTestId('webhooks-error');
    await notice.waitFor();
    expect(await notice.innerText()).toContain('Down for maintenance');
    await page.unroute('**/api/webhooks');
    await notice.getByRole('button', { name: 'Retry' }).click();
    await page.locator('[data-testid="webhooks"][data-state="empty"]').waitFor();
  });
});
