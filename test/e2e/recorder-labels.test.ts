/**
 * Element labels in Chromium with the real recorder: each click and field names its element as a person reads it,
 * from what is not masked, scrubbed of PII, with the element's kind alone when nothing readable names it.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { customEvents, startHarness, type Harness } from './recorder-harness.ts';

let browser: Browser;
let harness: Harness;

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

async function open(attributes: Record<string, string> = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1400 } });
  const page = await context.newPage();
  await page.goto(harness.pageUrl('recorder-labels.html', { 'data-project': 'demo', ...attributes }), { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.Sightline !== undefined);
  return page;
}

/** Clicks each element and returns the label of its sl:click, by the css given. */
async function clickLabels(page: Page, targets: readonly string[]): Promise<Record<string, string | undefined>> {
  for (const target of targets) await page.locator(target).click();
  await page.evaluate(() => window.Sightline!.flush());
  await page.context().close();
  const clicks = customEvents(harness, 'sl:click');
  expect(clicks).toHaveLength(targets.length);
  return Object.fromEntries(targets.map((target, index) => [target, clicks[index].label]));
}

const clicked: Array<[string, string, string]> = [
  ['a button by its collapsed text', '#add', '"Add to cart" button'],
  ['an icon inside a button by the button\'s aria-label', '#close-icon', '"Close the basket" button'],
  ['an icon button by aria-labelledby', '#wishlist', '"Save for later" button'],
  ['a link by its text', '#shop', '"Shop" link'],
  ['an image link by the alt of its image', '#logo img', '"Sightline store" link'],
  ['an empty link by its title', '#help', '"Help and contact" link'],
  ['a button with nothing readable by its kind', '#bare', 'button'],
  ['a paragraph by its text alone', '#note', '"Free shipping on orders over $50"'],
  ['long text cut at 60 characters with an ellipsis', '#long', '"This paragraph is far longer than any label should be, so i…"'],
  ['an email in the text scrubbed', '#mail', `"Mail ${'*'.repeat('pii.labels.x7@example.test'.length)} now" button`],
  ['a masked button by its kind only', '#masked', 'button'],
  ['a button inside rrweb\'s rr-mask class by its kind only', '#rr-masked', 'button'],
  ['masked words left out of the text around them', '#partly', '"Pay back" button'],
  ['a click in a blocked element by the blocked element\'s tag', '#inside-blocked', 'div'],
  ['a field by its <label for>', '#email', '"Email address" email field'],
  ['a field by its placeholder', '#search', '"Search products" search field'],
  ['a field with no name by its type', '#plain', 'text field'],
  ['a select by its label, without its options', '#country', '"Country" dropdown'],
  ['a textarea by its aria-label, never its contents', '#notes', '"Delivery notes" text area'],
  ['a submit input by its value', '#pay', '"Pay now" button'],
];

describe('recorder | element labels', () => {
  test('each click names its element as a person reads it', async () => {
    const page = await open();
    const labels = await clickLabels(page, clicked.map(([, target]) => target));
    const wrong = clicked.filter(([, target, expected]) => labels[target] !== expected);
    expect(wrong.map(([what, target]) => `${what} (${target}): ${labels[target]}`)).toEqual([]);
  });

  test('sl:field carries the field label beside its name', async () => {
    const page = await open();
    await page.locator('#email').pressSequentially('typed.value@example.test');
    await page.locator('#notes').focus();
    await page.evaluate(() => window.Sightline!.flush());
    await page.context().close();
    const fields = customEvents(harness, 'sl:field');
    expect(fields.find((field) => field.field === '#email')).toMatchObject({ name: 'email', label: '"Email address" email field' });
    expect(fields.find((field) => field.field === '#notes')).toMatchObject({ label: '"Delivery notes" text area' });
    expect(JSON.stringify(fields)).not.toContain('typed.value');
  });

  test('with maskAllText every label is the kind alone', async () => {
    const page = await open({ 'data-mask-all-text': 'true' });
    const labels = await clickLabels(page, ['#add', '#close-icon', '#shop', '#note', '#email']);
    expect(labels).toEqual({ '#add': 'button', '#close-icon': 'button', '#shop': 'link', '#note': 'p', '#email': 'email field' });
  });
});
