/**
 * Roles in the viewer, in real Chromium over the real server: a project's read-only sign-in sees its settings, its
 * webhooks and a replay without any control that would change them, and is told why; its manage sign-in gets the
 * controls and changes the project's retention, which the API then reports.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { ProjectCredentials, RetentionResponse } from '../../contract/access.ts';
import { visit } from '../api/shop-events.ts';
import { ingest, makeBatch, newId } from '../api/support.ts';
import { launchChromium } from '../../support/browser.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';

const PROJECT = 'roles-shop';

describe('e2e | viewer roles', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let pageErrors: Error[] = [];
  let readToken: string;
  let manageToken: string;
  const sessionId = newId();

  async function adminPost<T>(path: string, body: unknown): Promise<T> {
    const response = await adminFetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    expect(response.status, JSON.stringify(answer)).toBeLessThan(300);
    return answer as T;
  }

  beforeAll(async () => {
    server = await startTestServer();
    readToken = (await adminPost<ProjectCredentials>('/api/projects', { name: 'Roles shop', key: PROJECT })).viewerToken;
    manageToken = (await adminPost<ProjectCredentials>(`/api/projects/${PROJECT}/viewer-token`, { role: 'manage' })).viewerToken;
    await adminPost(`/api/webhooks?project=${PROJECT}`, { url: 'https://hooks.example/roles', events: ['rage_click'] });
    const shopper = visit(Date.now() - 60_000);
    await ingest(server.url, makeBatch([...shopper.load(0, '/'), shopper.click(500, '#buy'), shopper.mutation(600)], { project: PROJECT, sessionId }));
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

  /** Signs a fresh browser in with `token` and opens Settings once its panels have loaded. */
  async function openSettings(token: string): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    await server.signIn(context, token);
    pageErrors = [];
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${server.url}/#/settings`, { waitUntil: 'domcontentloaded' });
    for (const panel of ['projects-panel', 'asset-policy', 'webhooks']) {
      await page.locator(`[data-testid="${panel}"][data-state="ready"]`).waitFor({ timeout: 15_000 });
    }
    return page;
  }

  const count = (page: Page, testid: string) => page.getByTestId(testid).count();

  test('a read-only sign-in sees the settings without management controls, and why', async () => {
    const page = await openSettings(readToken);
    expect(await page.getByTestId('settings').getAttribute('data-role')).toBe('read');
    expect(await page.getByTestId('settings-read-only').innerText()).toContain('Read-only sign-in');

    // Everything is shown ...
    expect(await page.getByTestId('webhook').locator('code').innerText()).toBe('https://hooks.example/roles');
    expect(await page.getByTestId('project-origins-input').isEditable()).toBe(false);
    // A project made through the API shows the store's assets by default: the mode shows, and cannot be changed.
    expect(await page.getByTestId('asset-mode-public').isChecked()).toBe(true);
    expect(await page.getByTestId('asset-mode-public').isDisabled()).toBe(true);
    expect(await page.getByTestId('asset-mode-proxy').isDisabled()).toBe(true);
    expect(await count(page, 'webhook-log-toggle')).toBe(1);
    // ... and nothing that would change it.
    const controls = ['project-form', 'project-access', 'project-origins-save', 'project-retention', 'asset-save', 'webhook-form', 'webhook-test', 'webhook-delete'];
    for (const testid of controls) expect(await count(page, testid), testid).toBe(0);
    await page.screenshot({ path: 'test-results/viewer-roles-read-only.png', fullPage: true }).catch(() => {});

    // Elsewhere too: a replay can be exported but not deleted, page patterns read but not saved.
    await page.goto(`${server.url}/#/sessions/${sessionId}`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('export-session').waitFor({ timeout: 15_000 });
    expect(await count(page, 'delete-session')).toBe(0);
    await page.goto(`${server.url}/#/heatmaps`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('page-patterns').locator('summary').click();
    await page.getByTestId('page-patterns-read-only').waitFor({ timeout: 15_000 });
    expect(await count(page, 'page-patterns-save')).toBe(0);
  });

  test('a manage sign-in gets the controls and changes the retention', async () => {
    const page = await openSettings(manageToken);
    expect(await page.getByTestId('settings').getAttribute('data-role')).toBe('manage');
    for (const testid of ['settings-read-only', 'project-form', 'project-access']) expect(await count(page, testid), testid).toBe(0);
    for (const testid of ['project-origins-save', 'asset-save', 'webhook-form', 'webhook-test', 'webhook-delete']) {
      expect(await count(page, testid), testid).toBe(1);
    }

    const card = page.locator(`[data-testid="project"][data-key="${PROJECT}"]`);
    expect(await card.innerText()).toContain('Kept forever');
    await card.getByTestId('project-retention-input').fill('30');
    await card.getByTestId('project-retention-save').click();
    await card.getByTestId('project-retention-saved').waitFor();
    expect(await card.innerText()).toContain('Kept 30 days');
    const saved = (await (await adminFetch(`${server.url}/api/settings/retention?project=${PROJECT}`)).json()) as RetentionResponse;
    expect(saved).toEqual({ days: 30 });

    // The server's refusal is shown, and nothing changes.
    await card.getByTestId('project-retention-input').fill('5000');
    await card.getByTestId('project-retention-save').click();
    await expect.poll(() => card.getByTestId('project-retention-error').innerText()).toContain('days');
    expect(await (await adminFetch(`${server.url}/api/settings/retention?project=${PROJECT}`)).json()).toEqual({ days: 30 });

    await page.goto(`${server.url}/#/sessions/${sessionId}`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('delete-session').waitFor({ timeout: 15_000 });
  });
});
