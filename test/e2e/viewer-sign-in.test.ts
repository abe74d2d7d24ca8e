/**
 * The viewer's sign-in, in real Chromium against the real server: without a cookie it shows the sign-in page and
 * no data; a wrong token says so; the right one shows the sessions list, which survives a reload; signing out
 * brings the sign-in page back, and the old cookie no longer reads.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { visit } from '../api/shop-events.ts';
import { ingest, makeBatch, newId } from '../api/support.ts';
import { launchChromium } from '../../support/browser.ts';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../../support/server.ts';

describe('e2e | viewer sign-in', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const sessionId = newId();
  const pageErrors: Error[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    const shopper = visit(Date.now() - 60_000);
    await ingest(server.url, makeBatch([...shopper.load(0, '/'), shopper.click(500, '#buy')], { sessionId }));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('shows the sign-in page, refuses a wrong token, and shows the sessions after the right one', async () => {
    await page.goto(`${server.url}/#/`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('sign-in').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('sessions').count()).toBe(0);
    expect(await page.getByTestId('sign-out').count()).toBe(0);
    // Nowhere to go before signing in: no navigation, no menu button.
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(await page.getByTestId('menu-toggle').count()).toBe(0);
    expect(await page.title()).toBe('Sign in · Sightline');

    await page.getByTestId('sign-in-token').fill('not-the-token');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('sign-in-error').waitFor();
    expect(await page.getByTestId('sign-in-error').textContent()).toContain('neither the admin token nor a project viewer token');
    expect(await page.getByTestId('sessions').count()).toBe(0);

    await page.getByTestId('sign-in-token').fill(TEST_ADMIN_TOKEN);
    await page.getByTestId('sign-in-submit').click();
    await page.locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('sign-in').count()).toBe(0);
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    // The cookie is HttpOnly: the page's own scripts cannot read it.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const [cookie] = await context.cookies(server.url);
    expect(cookie).toMatchObject({ name: 'sl_session', httpOnly: true, sameSite: 'Strict', path: '/' });

    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`).waitFor({ timeout: 15_000 });
    expect(pageErrors).toEqual([]);
  });

  test('signing out shows the sign-in page again and the old cookie stops working', async () => {
    const [cookie] = await context.cookies(server.url);
    await page.getByTestId('sign-out').click();
    await page.getByTestId('sign-in').waitFor();
    expect(await page.getByTestId('sessions').count()).toBe(0);
    const reuse = await fetch(`${server.url}/api/sessions`, { headers: { Cookie: `sl_session=${cookie!.value}` } });
    expect(reuse.status).toBe(401);
    expect(pageErrors).toEqual([]);
  });

  test('a sign-in that ends while browsing sends the viewer to the sign-in page', async () => {
    await page.getByTestId('sign-in-token').fill(TEST_ADMIN_TOKEN);
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('sessions').waitFor();
    server.db.prepare('DELETE FROM login_sessions').run();
    // No reload, so no start-up check: only the 401 of the funnels page's own request can bring the sign-in back.
    await page.evaluate(() => (location.hash = '#/funnels'));
    await page.getByTestId('sign-in').waitFor({ timeout: 15_000 });
  });
});
