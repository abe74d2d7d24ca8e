/**
 * Every viewer page at a phone's width (390 px) and a desktop's (1400 px), in real Chromium over the real server
 * with demo shoppers in it (one buying on a desktop, one leaving at the card number on a phone): no page scrolls
 * sideways, no table needs to, the navigation folds into a menu, and the phone's replay keeps a controller of the
 * page's width with its buttons inside the player. Each page is screenshotted at both widths into test-results/narrow.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionList } from '../../contract/api.ts';
import { contextOptions, deviceProfiles, type DeviceProfile } from '../../demo/devices.ts';
import { flushRecorder } from '../../demo/human.ts';
import { abandonAtCard, completePurchase } from '../../demo/journeys.ts';
import { createShopper } from '../../demo/shopper.ts';
import { launchChromium } from '../../support/browser.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';

const PHONE = 390;
const DESKTOP = 1400;
const SCREENSHOTS = 'test-results/narrow';
/** Narrowest the phone replay's progress bar and our timeline may be at 390 px, CSS px: easy to aim at with a thumb. */
const MIN_TIMELINE_PX = 300;
/** Smallest play and fullscreen buttons, CSS px (rrweb-player's own size). */
const MIN_BUTTON_PX = 32;
/** A project with no sessions, for the empty list. */
const EMPTY_PROJECT = { key: 'outdoor-shop', name: 'Outdoor shop' };

let server: TestServer;
let browser: Browser;
const sessions = { desktop: '', phone: '' };

async function shop(device: DeviceProfile, walk: (page: Page, base: string) => Promise<unknown>): Promise<string> {
  const before = ((await (await adminFetch(`${server.url}/api/sessions`)).json()) as SessionList).sessions.map((s) => s.id);
  const context = await browser.newContext(contextOptions(device));
  const page = await context.newPage();
  await walk(page, `${server.url}/demo/`);
  expect(await flushRecorder(page)).toBe(true);
  await context.close();
  const after = ((await (await adminFetch(`${server.url}/api/sessions`)).json()) as SessionList).sessions;
  const added = after.filter((session) => !before.includes(session.id));
  expect(added).toHaveLength(1);
  return added[0].id;
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  const profile = (name: string) => deviceProfiles.find((device) => device.name === name)!;
  sessions.desktop = await shop(profile('mac'), (page, base) => completePurchase(page, base, createShopper({ index: 2, seed: 22, pace: 0 })));
  sessions.phone = await shop(profile('iphone'), (page, base) => abandonAtCard(page, base, createShopper({ index: 1, seed: 21, pace: 0 })));
  const created = await adminFetch(`${server.url}/api/projects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(EMPTY_PROJECT),
  });
  expect(created.status).toBe(201);
  // A webhook with one queued test delivery, so Settings can show its delivery log (no dispatcher runs in tests).
  // Written to the store: the API would judge the receiver's address, which is not what this test is about.
  const demo = (await server.store.findProjectByKey('demo'))!;
  const webhook = await server.store.createWebhook({
    projectId: demo.id,
    url: 'https://hooks.example.com/sightline',
    events: ['cart_abandoned', 'rage_click'],
    secret: 'narrow-layout-secret',
    createdAt: Date.now(),
  });
  const draft = { type: 'test' as const, sessionId: null, moment: null, data: { message: 'A test event', webhookId: webhook.id } };
  await server.store.enqueueWebhookEvent(webhook.id, demo.id, draft, Date.now());
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface ViewerPage {
  name: string;
  /** The URL after the server's origin, e.g. `/#/heatmaps`. */
  path: () => string;
  /** Signed out: the sign-in page. */
  signedOut?: boolean;
  /** Resolves once the page shows what it is for. */
  ready: (page: Page) => Promise<unknown>;
}

const shown = (page: Page, selector: string) => page.locator(selector).first().waitFor({ timeout: 30_000 });
const replayReady = (page: Page) => shown(page, '[data-testid="replay"][data-state="ready"]');

const viewerPages: ViewerPage[] = [
  { name: 'sign-in', path: () => '/#/', signedOut: true, ready: (page) => shown(page, '[data-testid="sign-in"]') },
  { name: 'sessions', path: () => '/#/', ready: (page) => shown(page, '[data-testid="session-row"]') },
  { name: 'sessions-empty', path: () => `/?project=${EMPTY_PROJECT.key}#/`, ready: (page) => shown(page, '[data-testid="sessions-empty"]') },
  // A second in, each shopper is on one of the store's pages, each with the support chat the store blocks.
  { name: 'replay-desktop', path: () => `/#/sessions/${sessions.desktop}?t=1000`, ready: replayReady },
  { name: 'replay-phone', path: () => `/#/sessions/${sessions.phone}?t=1000`, ready: replayReady },
  { name: 'heatmaps', path: () => '/#/heatmaps', ready: (page) => shown(page, '[data-testid="snapshot-frame"][data-state="ready"]') },
  {
    name: 'funnels',
    path: () => '/#/funnels',
    ready: async (page) => {
      await shown(page, '[data-testid="funnels"][data-state="empty"]');
      await page.getByTestId('checkout-preset').click();
      await shown(page, '[data-testid="funnel-step-row"]');
    },
  },
  { name: 'forms', path: () => '/#/forms', ready: (page) => shown(page, '[data-testid="form-field-row"]') },
  { name: 'metrics', path: () => '/#/metrics', ready: (page) => shown(page, '[data-testid="metrics"][data-state="ready"]') },
  {
    name: 'settings',
    path: () => '/#/settings',
    ready: async (page) => {
      for (const panel of ['projects-panel', 'asset-policy', 'webhooks']) await shown(page, `[data-testid="${panel}"]:not([data-state="loading"])`);
      // The delivery log is the widest table of the viewer: open it.
      await page.getByTestId('webhook-log-toggle').click();
      await shown(page, '[data-testid="delivery-row"]');
    },
  },
];

/** How far the page and each table reach past their boxes, in CSS px (0 when they fit). */
function overflow(page: Page): Promise<{ page: number; tables: Array<{ table: string; by: number }> }> {
  return page.evaluate(() => {
    const tables = [...document.querySelectorAll('table')].map((table) => {
      const box = table.parentElement!.getBoundingClientRect();
      const own = table.getBoundingClientRect();
      return { table: table.dataset.testid ?? table.className, by: Math.max(0, Math.round(own.right - Math.min(box.right, innerWidth))) };
    });
    return { page: document.documentElement.scrollWidth - innerWidth, tables: tables.filter((entry) => entry.by > 0) };
  });
}

type Box = { x: number; y: number; width: number; height: number };
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

/** The chat widget the demo store marks data-sl-block, as the frame shows it: its label and background. */
function blockedChat(page: Page, frameSelector: string): Promise<{ label: string; background: string } | null> {
  return page.evaluate((selector) => {
    const frame = document.querySelector<HTMLIFrameElement>(selector);
    const chat = frame?.contentDocument?.querySelector<HTMLElement>('aside[data-sl-blocked]');
    if (!frame || !chat) return null;
    const style = frame.contentWindow!.getComputedStyle(chat);
    return { label: frame.contentWindow!.getComputedStyle(chat, '::before').content, background: style.backgroundImage };
  }, frameSelector);
}

describe.each([PHONE, DESKTOP])('e2e | every viewer page at %i px', (width) => {
  let signedIn: BrowserContext;
  let signedOut: BrowserContext;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    const options = { viewport: { width, height: 900 }, locale: 'en-US' };
    signedOut = await browser.newContext(options);
    signedIn = await browser.newContext(options);
    await server.signIn(signedIn);
  });

  afterAll(async () => {
    await signedIn?.close();
    await signedOut?.close();
  });

  async function open(viewerPage: ViewerPage): Promise<Page> {
    const page = await (viewerPage.signedOut ? signedOut : signedIn).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}${viewerPage.path()}`, { waitUntil: 'domcontentloaded' });
    await viewerPage.ready(page);
    expect(errors).toEqual([]);
    return page;
  }

  /** Opens the viewer page (or the one of that name), runs `check` on it, and closes it whatever happens. */
  async function onPage(viewerPage: ViewerPage | string, check: (page: Page) => Promise<unknown>): Promise<void> {
    const page = await open(typeof viewerPage === 'string' ? viewerPages.find((entry) => entry.name === viewerPage)! : viewerPage);
    try {
      await check(page);
    } finally {
      await page.close();
    }
  }

  test.each(viewerPages)('$name fits the width without scrolling sideways', async (viewerPage) => {
    await onPage(viewerPage, async (page) => {
      await page.mouse.move(0, 0);
      await page.screenshot({ path: `${SCREENSHOTS}/${viewerPage.name}-${width}.png`, fullPage: true });
      expect(await overflow(page)).toEqual({ page: 0, tables: [] });
    });
  }, 60_000);

  test('the replay of the phone keeps a controller of the page width, with play and fullscreen inside it', async () => {
    await onPage('replay-phone', async (page) => {
      const player = (await page.locator('[data-testid="player"] .rr-player').boundingBox())!;
      const recording = (await page.locator('[data-testid="player"] .replayer-wrapper').boundingBox())!;
      const buttons = page.locator('[data-testid="player"] .rr-controller__btns button');
      const play = (await buttons.first().boundingBox())!;
      const fullscreen = (await buttons.last().boundingBox())!;
      const progress = (await page.locator('[data-testid="player"] .rr-progress').boundingBox())!;
      const timeline = (await page.getByTestId('timeline').boundingBox())!;
      const column = (await page.locator('[data-testid="replay"] .stage').boundingBox())!;

      // The recording is scaled to fit; the player around it takes the column's whole width.
      expect(inside(recording, player)).toBe(true);
      expect(player.width).toBeGreaterThanOrEqual(column.width - 1);
      if (width === DESKTOP) expect(player.width).toBeGreaterThan(2 * recording.width);
      for (const button of [play, fullscreen]) {
        expect(inside(button, player)).toBe(true);
        expect(button.width).toBeGreaterThanOrEqual(MIN_BUTTON_PX);
        expect(button.height).toBeGreaterThanOrEqual(MIN_BUTTON_PX);
      }
      expect(progress.width).toBeGreaterThanOrEqual(MIN_TIMELINE_PX);
      expect(inside(progress, player)).toBe(true);
      expect(timeline.width).toBeGreaterThanOrEqual(MIN_TIMELINE_PX);

      // The chat widget the store blocks reads as hidden on purpose, not as a blank card.
      await expect.poll(() => blockedChat(page, '[data-testid="player"] iframe')).toMatchObject({ label: '"Hidden for privacy"' });
      expect((await blockedChat(page, '[data-testid="player"] iframe'))!.background).toMatch(/^repeating-linear-gradient/);
    });
  }, 60_000);

  test('the heatmap background shows the blocked chat widget as a labelled placeholder', async () => {
    await onPage('heatmaps', async (page) => {
      expect(await blockedChat(page, '[data-testid="snapshot-frame"] iframe')).toEqual({
        label: '"Hidden for privacy"',
        background: expect.stringMatching(/^repeating-linear-gradient/),
      });
    });
  }, 60_000);

  test('the empty list shows the tag of the project on screen and how to make demo traffic', async () => {
    await onPage('sessions-empty', async (page) => {
      const empty = page.getByTestId('sessions-empty');
      expect(await empty.locator('pre').innerText()).toBe(
        `<script src="${server.url}/recorder.js" data-project="${EMPTY_PROJECT.key}" async></script>`,
      );
      expect(await empty.innerText()).not.toContain('YOUR_PROJECT_KEY');
      expect(await page.getByTestId('demo-traffic-hint').innerText()).toContain(`SIGHTLINE_URL=${server.url} npm run demo:traffic`);
    });
  }, 60_000);

  test('the Settings panels stack at one width', async () => {
    await onPage('settings', async (page) => {
      const panels = await page.locator('.settings-page > .panel').evaluateAll((sections) =>
        sections.map((section) => {
          const box = section.getBoundingClientRect();
          return { panel: (section as HTMLElement).dataset.testid, left: Math.round(box.left), width: Math.round(box.width) };
        }),
      );
      expect(panels.map((panel) => panel.panel)).toEqual(['projects-panel', 'asset-policy', 'webhooks']);
      for (const panel of panels) expect(panel).toEqual({ ...panels[0], panel: panel.panel });
      expect(panels[0].width).toBeLessThanOrEqual(width);
    });
  }, 60_000);

  test('the navigation folds into a menu on a phone and sits in the header on a desktop', async () => {
    await onPage('sessions', async (page) => {
      const nav = page.getByRole('navigation', { name: 'Main' });
      const toggle = page.getByTestId('menu-toggle');
      if (width === DESKTOP) {
        expect(await toggle.isVisible()).toBe(false);
        expect(await nav.isVisible()).toBe(true);
        expect(await page.getByTestId('sign-out').isVisible()).toBe(true);
        return;
      }
      expect(await nav.isVisible()).toBe(false);
      expect(await toggle.innerText()).toBe('Sessions');
      const header = (await page.locator('.app-header').boundingBox())!;
      // One row: the brand and the menu button.
      expect(header.height).toBeLessThan(64);
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      const links = nav.getByRole('link');
      expect(await links.allInnerTexts()).toEqual(['Sessions', 'Heatmaps', 'Funnels', 'Forms', 'Checkout', 'Settings', 'Demo store ↗']);
      for (const link of await links.all()) {
        const box = (await link.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        expect(box.height).toBeGreaterThanOrEqual(36);
      }
      expect(await page.getByTestId('sign-out').isVisible()).toBe(true);
      expect(await overflow(page)).toEqual({ page: 0, tables: [] });
      await page.screenshot({ path: `${SCREENSHOTS}/menu-open-${width}.png` });

      // Choosing a page goes there and folds the menu again.
      await page.getByTestId('nav-forms').click();
      await shown(page, '[data-testid="form-field-row"]');
      expect(await nav.isVisible()).toBe(false);
      expect(await toggle.innerText()).toBe('Forms');
    });
  }, 60_000);
});
