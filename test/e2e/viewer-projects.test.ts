/**
 * Projects in the viewer, in real Chromium against the real server with two shops: a project's viewer token signs
 * in to that project alone (its name in the header, no switcher, only its sessions); the admin's switcher moves the
 * whole viewer from shop A to shop B, the choice stays in the URL across page links, and every API call sends it.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTwoShops, type ShopProject } from '../api/scope-fixture.ts';
import { launchChromium } from '../../support/browser.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

describe('e2e | projects in the viewer', () => {
  let server: TestServer;
  let browser: Browser;
  let a: ShopProject;
  let b: ShopProject;
  const contexts: BrowserContext[] = [];
  const pageErrors: Error[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    return page;
  }

  const row = (page: Page, sessionId: string) => page.locator(`[data-testid="session-row"][data-session-id="${sessionId}"]`);
  const shownSessions = (page: Page) =>
    page.locator('[data-testid="session-row"]').evaluateAll((rows) => rows.map((element) => element.getAttribute('data-session-id')));

  beforeAll(async () => {
    server = await startTestServer();
    ({ a, b } = await createTwoShops(server));
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });

  test("signing in with shop A's viewer token lists only A's sessions, under A's name, without a switcher", async () => {
    const page = await newPage();
    await page.goto(`${server.url}/#/`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('sign-in').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('sign-in').textContent()).toContain('project viewer token');
    await page.getByTestId('sign-in-token').fill(a.viewerToken);
    await page.getByTestId('sign-in-submit').click();

    await row(page, a.sessions[0]!).waitFor({ timeout: 15_000 });
    expect(await shownSessions(page)).toEqual(a.sessions);
    expect(await page.getByTestId('project-name').textContent()).toBe('Shop A');
    expect(await page.getByTestId('project-switcher').count()).toBe(0);

    // Naming shop B in the URL shows no data of it, only a way back to the own project.
    await page.goto(`${server.url}/?project=shop-b#/`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('unknown-project').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="session-row"]').count()).toBe(0);
    await page.getByTestId('unknown-project').getByRole('link', { name: 'Shop A' }).click();
    await row(page, a.sessions[0]!).waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get('project')).toBe('shop-a');
    expect(pageErrors).toEqual([]);
  });

  test("the admin's switcher changes the sessions list from shop A's to shop B's, and the choice follows page links", async () => {
    const page = await newPage();
    await server.signIn(page.context());
    const apiCalls: URL[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/') && url.pathname !== '/api/me') apiCalls.push(url);
    });

    await page.goto(`${server.url}/?project=shop-a#/`, { waitUntil: 'domcontentloaded' });
    await row(page, a.sessions[0]!).waitFor({ timeout: 15_000 });
    expect(await shownSessions(page)).toEqual(a.sessions);
    const switcher = page.getByTestId('project-switcher');
    expect(await switcher.inputValue()).toBe('shop-a');
    expect(await switcher.locator('option').allTextContents()).toEqual(['Demo store', 'Shop A', 'Shop B']);

    await switcher.selectOption('shop-b');
    await row(page, b.sessions[0]!).waitFor({ timeout: 15_000 });
    // Newest first.
    expect(await shownSessions(page)).toEqual([...b.sessions].reverse());
    expect(await page.getByTestId('project-switcher').inputValue()).toBe('shop-b');

    apiCalls.length = 0;
    const funnelsLoaded = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/funnels');
    await page.getByTestId('nav-funnels').click();
    await funnelsLoaded;
    expect(new URL(page.url()).searchParams.get('project')).toBe('shop-b');
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const call of apiCalls) expect(`${call.pathname}?${call.searchParams}`).toContain('project=shop-b');
    expect(pageErrors).toEqual([]);
  });
});
