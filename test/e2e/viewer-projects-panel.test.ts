/**
 * The projects panel on the Settings page, in real Chromium over the real server: the admin creates a project and
 * gets its viewer token once, replaces it, makes a manage token and replaces the server key (after confirming), and
 * sets allowed origins; each credential shown is checked against the API it opens. The recorder tag copied from the
 * panel records a store page. A manage token's sign-in sees its own project only, without admin buttons (read-only
 * sign-ins are test/e2e/viewer-roles.test.ts's). Also the refusals and the error state.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { MeResponse, ProjectCredentials, ProjectInfo, ProjectList } from '../../contract/access.ts';
import type { SessionList } from '../../contract/api.ts';
import { postEvents, sendEvents } from '../api/server-event-support.ts';
import { launchChromium } from '../../support/browser.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';

describe('e2e | viewer projects panel', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let pageErrors: Error[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });
  afterEach(async () => {
    await context?.close();
    expect(pageErrors.map((error) => error.message)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens Settings signed in with `token` (the admin's by default) once the projects panel has loaded. */
  async function openSettings(token?: string): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await server.signIn(context, token);
    pageErrors = [];
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${server.url}/#/settings`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="projects-panel"]:not([data-state="loading"])').waitFor({ timeout: 15_000 });
    return page;
  }

  const card = (page: Page, key: string) => page.locator(`[data-testid="project"][data-key="${key}"]`);
  const me = (token: string) => fetch(`${server.url}/api/me`, { headers: { Authorization: `Bearer ${token}` } });
  const purchase = (id: string) => ({ id, name: 'purchase', userId: 'customer-1', timestamp: Date.now(), props: { orderId: id, value: 10 } });

  async function listed(key: string): Promise<ProjectInfo | undefined> {
    const { projects } = (await (await adminFetch(`${server.url}/api/projects`)).json()) as ProjectList;
    return projects.find((project) => project.key === key);
  }

  /** Reads a shown-once box's value after copying it, and checks the clipboard got exactly that. */
  async function copyShownOnce(page: Page, testid: string): Promise<string> {
    const value = await page.getByTestId(`${testid}-value`).inputValue();
    expect(await page.getByTestId(testid).innerText()).toContain('shown only this once');
    await page.getByTestId(`${testid}-copy`).click();
    await expect.poll(() => page.getByTestId(`${testid}-copy`).innerText()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(value);
    return value;
  }

  test('the admin creates a project, replaces its viewer token and server key, and sets its origins', async () => {
    const page = await openSettings();
    expect(await page.getByTestId('projects-panel').getAttribute('data-state')).toBe('ready');
    expect(await page.locator('[data-testid="project"]').evaluateAll((cards) => cards.map((item) => item.getAttribute('data-key')))).toEqual(['demo']);

    await page.getByTestId('project-name-input').fill('Outdoor shop');
    await page.getByTestId('project-key-input').fill('outdoor');
    await page.getByTestId('project-create').click();
    await page.getByTestId('project-token').waitFor();
    const firstToken = await copyShownOnce(page, 'project-token');
    expect(await me(firstToken).then((response) => response.json())).toEqual({
      signedIn: true,
      scope: 'project',
      role: 'read',
      projects: [{ key: 'outdoor', name: 'Outdoor shop' }],
    } satisfies MeResponse);
    const outdoor = card(page, 'outdoor');
    expect(await outdoor.getByTestId('project-key').innerText()).toBe('outdoor');
    expect(await outdoor.getByTestId('project-snippet').inputValue()).toBe(
      `<script src="${server.url}/recorder.js" data-project="outdoor" async></script>`,
    );
    // The header's switcher offers the new project at once.
    expect(await page.getByTestId('project-switcher').locator('option').allInnerTexts()).toEqual(['Demo store', 'Outdoor shop']);
    await page.getByTestId('project-token-done').click();

    // A new viewer token only after confirming; until then the old one still signs in.
    await outdoor.getByTestId('viewer-token-new').click();
    const confirmToken = outdoor.getByTestId('viewer-token-confirm-box');
    expect(await confirmToken.innerText()).toContain('everyone signed in with it is signed out');
    expect((await me(firstToken)).status).toBe(200);
    await outdoor.getByTestId('viewer-token-confirm').click();
    await outdoor.getByTestId('viewer-token').waitFor();
    const secondToken = await copyShownOnce(page, 'viewer-token');
    expect(secondToken).not.toBe(firstToken);
    expect((await me(firstToken)).status).toBe(401);
    expect(((await (await me(secondToken)).json()) as MeResponse).projects).toEqual([{ key: 'outdoor', name: 'Outdoor shop' }]);
    await page.getByTestId('viewer-token-done').click();

    // The first manage token replaces nothing, so it needs no confirmation; the read-only token stays.
    expect(await outdoor.getByTestId('project-token-state').innerText()).toBe('read-only token');
    await outdoor.getByTestId('manage-token-new').click();
    await outdoor.getByTestId('manage-token').waitFor();
    const manageToken = await copyShownOnce(page, 'manage-token');
    expect(((await (await me(manageToken)).json()) as MeResponse).role).toBe('manage');
    expect(((await (await me(secondToken)).json()) as MeResponse).role).toBe('read');
    expect(await outdoor.getByTestId('project-token-state').innerText()).toBe('read-only and manage tokens');
    expect(await outdoor.getByTestId('manage-token-new').innerText()).toBe('New manage token…');

    // The first server key replaces nothing, so it needs no confirmation.
    expect(await outdoor.getByTestId('project-server-key-state').innerText()).toBe('no server key');
    await outdoor.getByTestId('server-key-new').click();
    await outdoor.getByTestId('server-key').waitFor();
    const firstKey = await copyShownOnce(page, 'server-key');
    expect((await sendEvents(server, firstKey, purchase('order-1'))).created).toEqual(['order-1']);
    expect(await outdoor.getByTestId('project-server-key-state').innerText()).toBe('server key set');
    expect((await listed('outdoor'))?.hasServerKey).toBe(true);

    await outdoor.getByTestId('server-key-new').click();
    expect(await outdoor.getByTestId('server-key-confirm-box').innerText()).toContain('stops working');
    expect((await sendEvents(server, firstKey, purchase('order-2'))).created).toEqual(['order-2']);
    await outdoor.getByTestId('server-key-confirm').click();
    await expect.poll(() => outdoor.getByTestId('server-key-value').inputValue()).not.toBe(firstKey);
    const secondKey = await outdoor.getByTestId('server-key-value').inputValue();
    expect((await postEvents(server, firstKey, purchase('order-3'))).status).toBe(401);
    expect((await sendEvents(server, secondKey, purchase('order-3'))).created).toEqual(['order-3']);

    await outdoor.getByTestId('project-origins-input').fill('https://outdoor.example\n\nhttps://www.outdoor.example/\n');
    await outdoor.getByTestId('project-origins-save').click();
    await outdoor.getByTestId('project-origins-saved').waitFor();
    expect((await listed('outdoor'))?.allowedOrigins).toEqual(['https://outdoor.example', 'https://www.outdoor.example']);
    await page.screenshot({ path: 'test-results/viewer-projects-panel.png', fullPage: true }).catch(() => {});

    // Shown once: after a reload no token or key is anywhere on the page.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="projects-panel"][data-state="ready"]').waitFor();
    const html = await page.content();
    for (const secret of [firstToken, secondToken, manageToken, firstKey, secondKey]) expect(html).not.toContain(secret);
    expect(await card(page, 'outdoor').getByTestId('project-origins-input').inputValue()).toBe('https://outdoor.example\nhttps://www.outdoor.example');
  });

  test("refusals show the server's reason inline and change nothing", async () => {
    const page = await openSettings();
    await page.getByTestId('project-name-input').fill('Second demo');
    await page.getByTestId('project-key-input').fill('demo');
    await page.getByTestId('project-create').click();
    const formError = page.getByTestId('project-form-error');
    await formError.waitFor();
    expect(await formError.innerText()).toBe('A project already has the key "demo"');

    await page.getByTestId('project-key-input').fill('has space');
    await page.getByTestId('project-create').click();
    await expect.poll(() => formError.innerText()).toBe('key: expected letters, digits, "-" or "_"');
    expect(await page.getByTestId('project-token').count()).toBe(0);

    const demo = card(page, 'demo');
    await demo.getByTestId('project-origins-input').fill('https://shop.example\nftp://shop.example');
    await demo.getByTestId('project-origins-save').click();
    const originsError = demo.getByTestId('project-origins-error');
    await originsError.waitFor();
    expect(await originsError.innerText()).toBe('origins[1]: "ftp://shop.example" is not an origin such as https://shop.example');
    expect((await listed('demo'))?.allowedOrigins).toEqual([]);
    expect(await listed('has space')).toBeUndefined();
  });

  test("a manage token's sign-in sees its own project only, without admin buttons, and may set its origins", async () => {
    const response = await adminFetch(`${server.url}/api/projects`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Garden shop', key: 'garden', role: 'manage' }),
    });
    const { viewerToken } = (await response.json()) as ProjectCredentials;
    const page = await openSettings(viewerToken);

    expect(await page.locator('[data-testid="project"]').evaluateAll((cards) => cards.map((item) => item.getAttribute('data-key')))).toEqual(['garden']);
    for (const testid of ['project-form', 'project-access', 'viewer-token-new', 'manage-token-new', 'server-key-new', 'settings-read-only']) {
      expect(await page.getByTestId(testid).count(), testid).toBe(0);
    }
    const garden = card(page, 'garden');
    await garden.getByTestId('project-origins-input').fill('https://garden.example');
    await garden.getByTestId('project-origins-save').click();
    await garden.getByTestId('project-origins-saved').waitFor();
    expect((await listed('garden'))?.allowedOrigins).toEqual(['https://garden.example']);
  });

  test('the recorder tag copied from the panel records a store page on an allowed origin', async () => {
    const page = await openSettings();
    const demo = card(page, 'demo');
    await demo.getByTestId('project-snippet-copy').click();
    const snippet = await page.evaluate(() => navigator.clipboard.readText());

    // A store on its own origin (another host name than the server's 127.0.0.1), the tag pasted in as an owner would.
    const store = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end(`<!doctype html><html><head>${snippet}</head><body><h1>Tents</h1><button>Buy</button></body></html>`);
    });
    await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', resolve));
    const storeOrigin = `http://localhost:${(store.address() as AddressInfo).port}`;
    try {
      await demo.getByTestId('project-origins-input').fill(storeOrigin);
      await demo.getByTestId('project-origins-save').click();
      await demo.getByTestId('project-origins-saved').waitFor();

      const shop = await context.newPage();
      shop.on('pageerror', (error) => pageErrors.push(error));
      await shop.goto(`${storeOrigin}/tents`, { waitUntil: 'domcontentloaded' });
      await shop.waitForFunction(() => 'Sightline' in window, undefined, { timeout: 15_000 });
      await shop.click('button');
      const sessionId = await shop.evaluate(async () => {
        const sightline = (window as unknown as { Sightline: { flush(): Promise<void>; getSessionId(): string } }).Sightline;
        await sightline.flush();
        return sightline.getSessionId();
      });
      await expect
        .poll(async () => {
          const list = (await (await adminFetch(`${server.url}/api/sessions?project=demo`)).json()) as SessionList;
          return list.sessions.map((session) => session.id);
        })
        .toContain(sessionId);
    } finally {
      store.closeAllConnections();
      await new Promise((resolve) => store.close(resolve));
    }
  });

  test('shows an error with a retry when the projects cannot be loaded', async () => {
    const page = await openSettings();
    await page.route('**/api/projects', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"Down for maintenance"}}' }),
    );
    await page.reload({ waitUntil: 'domcontentloaded' });
    const error = page.getByTestId('projects-load-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('Down for maintenance');
    await page.unroute('**/api/projects');
    await error.getByRole('button', { name: 'Retry' }).click();
    await page.locator('[data-testid="projects-panel"][data-state="ready"]').waitFor();
  });
});
