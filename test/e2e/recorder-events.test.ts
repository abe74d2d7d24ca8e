import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { customEvents, receivedEvents, startHarness, waitFor, type Harness } from './recorder-harness.ts';

let browser: Browser;
let harness: Harness;
const pages: Page[] = [];

beforeAll(async () => {
  [browser, harness] = await Promise.all([launchChromium(), startHarness()]);
});
afterAll(async () => {
  await browser?.close();
  await harness?.close();
});
beforeEach(() => {
  harness.received.length = 0;
});
// A page left open would keep sending into the next test's view of the endpoint.
afterEach(async () => {
  for (const page of pages.splice(0)) await page.context().close();
});

async function openShop(attributes: Record<string, string> = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  pages.push(page);
  await page.goto(harness.pageUrl('recorder-shop.html', { 'data-project': 'demo', ...attributes }), { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.Sightline !== undefined);
  return page;
}

const flush = (page: Page) => page.evaluate(() => window.Sightline!.flush());

describe('recorder | Sightline events in the browser', () => {
  test('sl:click carries a selector that finds the element and the offset inside it', async () => {
    const page = await openShop();
    const box = (await page.locator('#buy').boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.25, box.y + box.height * 0.75);
    await page.getByText('Add shoes').click();
    await page.getByText('Add hat').click();
    await flush(page);
    const clicks = customEvents(harness, 'sl:click');
    expect(clicks.map((c) => c.selector)).toEqual(['#buy', '[data-testid="add-shoes"]', 'body > ul > li:nth-of-type(2) > button']);
    const [buy] = clicks;
    expect(buy.tag).toBe('button');
    expect(buy.ox).toBeCloseTo(0.25, 2);
    expect(buy.oy).toBeCloseTo(0.75, 2);
    expect(buy).toMatchObject({ x: 150, y: 210, vw: 1280, vh: 720, dw: 1280 });
    expect(buy.dh).toBeGreaterThanOrEqual(1500);
    for (const click of clicks) {
      expect(click.ox).toBeGreaterThanOrEqual(0);
      expect(click.ox).toBeLessThanOrEqual(1);
      expect(await page.evaluate((selector) => document.querySelectorAll(selector).length, click.selector)).toBe(1);
    }
  });

  test('sl:page at start and on an SPA navigation, with title and referrer', async () => {
    const page = await openShop();
    const start = page.url();
    await page.locator('#go-product').click();
    // The SPA's sl:page leaves a tick after pushState, once the router had a chance to set the title.
    await waitFor('the SPA page view', async () => (await flush(page), customEvents(harness, 'sl:page').length >= 2));
    expect(customEvents(harness, 'sl:page')).toEqual([
      { url: start, title: 'Shop home', referrer: '' },
      { url: `${harness.origin}/pages/product/42`, title: 'Product 42', referrer: start },
    ]);
    // The page view comes right after the full snapshot it describes.
    const events = receivedEvents(harness);
    const snapshotAt = events.findIndex((e) => e.type === 2);
    expect(events[snapshotAt + 1]).toMatchObject({ type: 5, data: { tag: 'sl:page' } });
  });

  test('sl:field and sl:submit describe the form without its values', async () => {
    const page = await openShop();
    await page.locator('#email').pressSequentially('buyer@example.com');
    await page.locator('#qty').fill('3');
    await page.locator('#size').selectOption('M');
    await page.locator('#pay').click();
    await flush(page);
    const fields = customEvents(harness, 'sl:field');
    const of = (field: string) => fields.filter((f) => f.field === field);
    expect(of('#email').map((f) => f.action)).toEqual(['focus', 'change', 'blur']);
    expect(of('#email')[0]).toEqual({ action: 'focus', form: '#checkout', field: '#email', name: 'email', kind: 'email', label: '"Email" email field' });
    expect(of('#qty')[0]).toMatchObject({ name: 'Quantity', kind: 'number' }); // no name attribute: its <label for>
    expect(of('#size')[0]).toMatchObject({ name: 'Size', kind: 'select' }); // label text without the options
    expect(of('#size').map((f) => f.action)).toContain('change');
    expect(customEvents(harness, 'sl:submit')).toEqual([{ form: '#checkout' }]);
    expect(harness.received.map((r) => r.text).join('')).not.toContain('buyer@example.com');
  });

  test('sl:error for uncaught errors and unhandled rejections', async () => {
    const page = await openShop();
    await page.locator('#throw').click();
    await page.locator('#reject').click();
    await waitFor('two errors', async () => (await flush(page), customEvents(harness, 'sl:error').length >= 2));
    const [thrown, rejected] = customEvents(harness, 'sl:error');
    expect(thrown.message).toContain('boom from page');
    expect(thrown.source).toContain('/pages/recorder-shop.html');
    expect(thrown.line).toBeGreaterThan(0);
    expect(rejected.message).toBe('Unhandled rejection: Error: rejected from page');
  });

  test('track() and identify() arrive as sl:track and sl:identify; misuse does not throw', async () => {
    const page = await openShop();
    const thrown = await page.evaluate(() => {
      window.Sightline!.identify('user-17', { plan: 'gold' });
      window.Sightline!.track('add_to_cart', { value: 30, sku: 'HAT-1' });
      try {
        (window.Sightline!.track as (name: unknown) => void)(42);
        return false;
      } catch {
        return true;
      }
    });
    expect(thrown).toBe(false);
    await flush(page);
    expect(customEvents(harness, 'sl:identify')).toEqual([{ userId: 'user-17', traits: { plan: 'gold' } }]);
    expect(customEvents(harness, 'sl:track')).toEqual([{ name: 'add_to_cart', props: { value: 30, sku: 'HAT-1' } }]);
  });
});

describe('recorder | sessions and windows in the browser', () => {
  test('seq counts up per window and survives a reload of the tab; each load starts with a full snapshot', async () => {
    const page = await openShop();
    await page.evaluate(() => window.Sightline!.track('first', {}));
    await flush(page);
    await page.evaluate(() => window.Sightline!.track('second', {}));
    await flush(page);
    const before = harness.received.map((r) => r.batch);
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.Sightline !== undefined);
    await page.evaluate(() => window.Sightline!.track('after reload', {}));
    await flush(page);
    const batches = harness.received.map((r) => r.batch);
    const after = batches.slice(before.length);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(new Set(batches.map((b) => b.windowId)).size).toBe(1);
    expect(new Set(batches.map((b) => b.sessionId)).size).toBe(1);
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_b, i) => i)); // 0, 1, 2, … with no restart at the reload
    expect(receivedEvents(harness).filter((e) => e.type === 2)).toHaveLength(2);
    expect(customEvents(harness, 'sl:page')).toHaveLength(2);
  });

  test('after the idle timeout the next activity starts a new session with its own snapshot and seq 0', async () => {
    const page = await openShop({ 'data-idle-timeout-ms': '1500' });
    await page.evaluate(() => window.Sightline!.identify('user-17', {}));
    await flush(page);
    const firstSession = await page.evaluate(() => window.Sightline!.getSessionId());
    await page.waitForTimeout(1_700);
    await page.mouse.move(20, 20);
    await page.mouse.click(20, 20);
    const secondSession = await page.evaluate(() => window.Sightline!.getSessionId());
    expect(secondSession).not.toBe(firstSession);
    await flush(page);
    const second = harness.received.filter((r) => r.batch.sessionId === secondSession).map((r) => r.batch);
    expect(second[0].seq).toBe(0);
    const events = second.flatMap((b) => b.events);
    expect(events.slice(0, 2).map((e) => e.type)).toEqual([4, 2]); // Meta, FullSnapshot
    const tags = events.filter((e) => e.type === 5).map((e) => (e.data as { tag: string }).tag);
    expect(tags.slice(0, 2)).toEqual(['sl:page', 'sl:identify']);
    expect(tags).toContain('sl:click');
  });

  test('sampleRate 0: the session exists but nothing is recorded or sent', async () => {
    const page = await openShop({ 'data-sample-rate': '0' });
    await page.locator('#buy').click();
    await page.evaluate(() => window.Sightline!.track('ignored', {}));
    await flush(page);
    expect(await page.evaluate(() => window.Sightline!.getSessionId())).toMatch(/^[0-9a-f-]{36}$/);
    await page.waitForTimeout(500);
    expect(harness.received).toEqual([]);
  });
});
