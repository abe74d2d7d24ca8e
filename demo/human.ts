/**
 * Human-ish input for scripted shoppers: wheel scrolling (swipes on touch screens) instead of jumps, curved mouse paths,
 * taps on touch devices, typing with a keystroke delay. Raw mouse and touch input on purpose, so the recorder sees
 * what a person produces.
 */
import type { CDPSession, Locator, Page } from 'playwright-core';
import { randomInt, type Shopper } from './shopper.ts';

/** Height covered by the store's sticky header; targets under it would be hidden from a real finger. */
const STICKY_HEADER_PX = 64;
/** Largest single wheel step; a bigger distance is scrolled in several steps. */
const WHEEL_STEP_PX = 320;
/** How long a shopper waits for the store to react before the journey is declared broken. */
const STORE_TIMEOUT_MS = 10_000;
/** Longest wait for the landing page's first recorder batch; a slow server must not hold the shopper up. */
const LANDING_FLUSH_TIMEOUT_MS = 2_000;

/** Waits a human-ish while, scaled by the shopper's pace. */
export async function pause(page: Page, shopper: Shopper, minMs: number, maxMs: number): Promise<void> {
  const ms = Math.round((minMs + shopper.jitter() * (maxMs - minMs)) * shopper.pace);
  if (ms > 0) await page.waitForTimeout(ms);
}

const touchPages = new WeakMap<Page, boolean>();

/** Whether the page's context emulates a touch screen (phones and tablets tap, desktops click). */
export async function usesTouch(page: Page): Promise<boolean> {
  let touch = touchPages.get(page);
  if (touch === undefined) {
    touch = await page.evaluate(() => navigator.maxTouchPoints > 0);
    touchPages.set(page, touch);
  }
  return touch;
}

const touchScrollers = new WeakMap<Page, Promise<CDPSession>>();
/** A finger's swipe speed, in CSS px per second. */
const SWIPE_PX_PER_S = 1_200;

/**
 * Scrolls the page by `dy` px as its shopper would: the wheel on a desktop, a swipe on a touch screen (which ignores
 * the wheel, so a phone or tablet shopper would otherwise read every page without a single scroll recorded).
 */
async function scrollBy(page: Page, dy: number): Promise<void> {
  if (!(await usesTouch(page))) {
    await page.mouse.wheel(0, dy);
    return;
  }
  let session = touchScrollers.get(page);
  if (!session) touchScrollers.set(page, (session = page.context().newCDPSession(page)));
  const { width, height } = page.viewportSize() ?? { width: 390, height: 844 };
  // The gesture's yDistance is the finger's travel: upwards (negative) scrolls the page down.
  await (await session).send('Input.synthesizeScrollGesture', {
    x: Math.round(width / 2), y: Math.round(height * 0.6), yDistance: -dy, speed: SWIPE_PX_PER_S, gestureSourceType: 'touch',
  });
}

/** The store sets `data-shop-ready` on <html> once shop.js has rendered the page. */
export async function waitForShop(page: Page): Promise<void> {
  await page.locator('html[data-shop-ready="true"]').waitFor({ state: 'attached', timeout: STORE_TIMEOUT_MS });
}

/** The store's root with its trailing slash, so relative pages resolve under it rather than beside it. */
export function storeRoot(baseUrl: string): string {
  return baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
}

/** Opens a page of the store (relative to baseUrl, e.g. http://localhost:8787/demo/) and waits until it is rendered. */
export async function openStore(page: Page, baseUrl: string, path = ''): Promise<void> {
  await page.goto(new URL(path, storeRoot(baseUrl)).href, { waitUntil: 'domcontentloaded', timeout: STORE_TIMEOUT_MS });
  await waitForShop(page);
  // Chromium sends the keepalive request of a document being left with its own headless user agent, not the
  // context's emulated one, and the server labels a session by its first batch: send that batch from the landing.
  await flushRecorder(page, LANDING_FLUSH_TIMEOUT_MS);
}

/** Scrolls in steps (wheel or swipe) until the element's top sits below the sticky header and inside the viewport. */
export async function scrollTo(page: Page, shopper: Shopper, locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: STORE_TIMEOUT_MS });
  const viewportHeight = page.viewportSize()?.height ?? 800;
  for (let step = 0; step < 20; step++) {
    const box = await locator.boundingBox();
    if (!box) break;
    const bottom = Math.min(box.y + box.height, box.y + viewportHeight / 2);
    let delta = 0;
    if (box.y < STICKY_HEADER_PX + 8) delta = box.y - STICKY_HEADER_PX - 40;
    else if (bottom > viewportHeight - 8) delta = bottom - viewportHeight + 60;
    if (delta === 0) return;
    await scrollBy(page, Math.sign(delta) * Math.min(Math.abs(delta), WHEEL_STEP_PX));
    await pause(page, shopper, 80, 180);
  }
  // The wheel cannot reach every position (e.g. the end of a short page); a direct scroll is the fallback.
  await locator.scrollIntoViewIfNeeded();
}

/** Scrolls the page by roughly `distance` px in a few steps (wheel or swipe), like someone skimming. */
export async function skim(page: Page, shopper: Shopper, distance: number): Promise<void> {
  let remaining = distance;
  while (Math.abs(remaining) > 10) {
    const step = Math.min(Math.abs(remaining), randomInt(shopper.jitter, 120, WHEEL_STEP_PX));
    const wheel = Math.sign(remaining) * step;
    await scrollBy(page, wheel);
    remaining -= wheel;
    await pause(page, shopper, 120, 350);
  }
}

/** A point inside the element, away from its edges, where a person would aim. */
export async function aimAt(shopper: Shopper, locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`cannot aim at ${locator}: it has no box`);
  return {
    x: box.x + box.width * (0.3 + 0.4 * shopper.jitter()),
    y: box.y + Math.min(box.height, 400) * (0.3 + 0.4 * shopper.jitter()),
  };
}

/** Moves the mouse to a point along a slightly curved path, in a number of steps that grows with the distance. */
export async function moveMouse(page: Page, shopper: Shopper, x: number, y: number): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  const bendX = Math.min(viewport.width - 1, Math.max(0, x + (shopper.jitter() - 0.5) * 160));
  const bendY = Math.min(viewport.height - 1, Math.max(0, y + (shopper.jitter() - 0.5) * 120));
  const steps = Math.max(1, Math.round((shopper.pace > 0 ? 4 : 1) + shopper.jitter() * 6));
  await page.mouse.move(bendX, bendY, { steps });
  await page.mouse.move(x, y, { steps: Math.ceil(steps / 2) });
}

/** Hovers over an element on a desktop; a touch screen has nothing to hover with. */
export async function hover(page: Page, shopper: Shopper, locator: Locator): Promise<void> {
  if (await usesTouch(page)) return;
  await scrollTo(page, shopper, locator);
  const { x, y } = await aimAt(shopper, locator);
  await moveMouse(page, shopper, x, y);
  await pause(page, shopper, 150, 450);
}

/** Clicks (desktop) or taps (touch) an element the way a person would: scroll to it, aim, hesitate, press. */
export async function press(page: Page, shopper: Shopper, locator: Locator): Promise<{ x: number; y: number }> {
  await scrollTo(page, shopper, locator);
  const point = await aimAt(shopper, locator);
  if (await usesTouch(page)) {
    await pause(page, shopper, 80, 220);
    await page.touchscreen.tap(point.x, point.y);
  } else {
    await moveMouse(page, shopper, point.x, point.y);
    await pause(page, shopper, 40, 140);
    const holdMs = randomInt(shopper.jitter, 40, 110) * Math.min(shopper.pace, 1);
    await page.mouse.click(point.x, point.y, { delay: holdMs });
  }
  return point;
}

/** Presses something that navigates, and waits until the next store page has rendered. */
export async function follow(page: Page, shopper: Shopper, locator: Locator, destination: RegExp): Promise<void> {
  const from = page.url();
  await Promise.all([
    page.waitForURL((url) => url.href !== from && destination.test(url.pathname),
      { waitUntil: 'domcontentloaded', timeout: STORE_TIMEOUT_MS }),
    press(page, shopper, locator),
  ]);
  await waitForShop(page);
}

/**
 * Focuses a field and types at a human-ish speed; fails if the field does not hold the text after. With `tabbed`,
 * a desktop shopper who has just left the previous field reaches this one with the Tab key, as most people do.
 */
export async function typeInto(page: Page, shopper: Shopper, field: Locator, text: string, tabbed = false)
  : Promise<void> {
  let focused = false;
  if (tabbed && !(await usesTouch(page))) {
    await page.keyboard.press('Tab');
    focused = await field.evaluate((element) => element === document.activeElement);
  }
  if (!focused) await press(page, shopper, field);
  await field.pressSequentially(text, { delay: randomInt(shopper.jitter, 10, 25) * shopper.pace });
  const typed = await field.inputValue();
  if (typed !== text) throw new Error(`typing into ${field} left ${JSON.stringify(typed)}`);
  await pause(page, shopper, 80, 250);
}

/**
 * Asks the recorder to send what it holds; resolves to false when there is no recorder (blocked or not built) or
 * the flush did not settle within the timeout, so a shopper can always close its tab.
 */
export async function flushRecorder(page: Page, timeoutMs = 5_000): Promise<boolean> {
  try {
    return await page.evaluate(async (timeout) => {
      // The recorder's own typing of window.Sightline is not ours to redeclare; only flush matters here.
      const sightline = (window as unknown as { Sightline?: { flush?: () => unknown } }).Sightline;
      if (typeof sightline?.flush !== 'function') return false;
      const settled = Promise.resolve(sightline.flush()).then(() => true, () => false);
      return Promise.race([settled, new Promise<boolean>((resolve) => setTimeout(resolve, timeout, false))]);
    }, timeoutMs);
  } catch {
    return false;
  }
}
