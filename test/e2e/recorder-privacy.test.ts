import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { customEvents, receivedEvents, startHarness, type Harness } from './recorder-harness.ts';

/** What the visitor types; none of the sensitive ones may appear in any request body. */
const TYPED = {
  name: 'Visible Name',
  email: 'jane.doe@example.com',
  password: 'hunter2-Secret',
  afterToggle: 'AfterToggle99',
  card: '4242424242424242',
  cvc: 'cvcSECRET77',
  nickname: 'NickSecret',
  notes: 'Notes plain text',
};
const ALWAYS_SECRET = [
  TYPED.password, 'hunter2', TYPED.afterToggle, TYPED.card, '42424242', TYPED.cvc, TYPED.nickname,
  'csrf-token-6f2b9c', 'PROMO-SECRET', 'Secretname',
];

interface SerializedNode {
  type: number;
  tagName?: string;
  attributes?: Record<string, string | boolean>;
  textContent?: string;
  childNodes?: SerializedNode[];
}

function findNode(node: SerializedNode, match: (node: SerializedNode) => boolean): SerializedNode | undefined {
  if (match(node)) return node;
  for (const child of node.childNodes ?? []) {
    const found = findNode(child, match);
    if (found) return found;
  }
  return undefined;
}

let browser: Browser;
let harness: Harness;

beforeAll(async () => {
  [browser, harness] = await Promise.all([launchChromium(), startHarness()]);
});
afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

async function fillTheForm(page: Page): Promise<void> {
  await page.locator('#name').pressSequentially(TYPED.name);
  await page.locator('#email').pressSequentially(TYPED.email);
  await page.locator('#password').pressSequentially(TYPED.password);
  await page.locator('#toggle-password').click(); // "show password": the field becomes type=text
  expect(await page.locator('#password').getAttribute('type')).toBe('text');
  await page.locator('#password').pressSequentially(TYPED.afterToggle);
  await page.locator('#pan').pressSequentially(TYPED.card);
  await page.locator('#cvc').pressSequentially(TYPED.cvc);
  await page.locator('#nickname').pressSequentially(TYPED.nickname);
  await page.locator('#notes').pressSequentially(TYPED.notes);
  await page.locator('#public').click();
}

async function record(attributes: Record<string, string>): Promise<string> {
  harness.received.length = 0;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(harness.pageUrl('recorder-privacy.html', { 'data-project': 'demo', ...attributes }), { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.Sightline !== undefined);
  await fillTheForm(page);
  await page.evaluate(() => window.Sightline!.flush());
  await context.close();
  return harness.received.map((received) => received.text).join('\n');
}

describe('recorder | privacy in the browser', () => {
  test('by default no typed value, hidden input, masked text or blocked content reaches the server', async () => {
    const bodies = await record({});
    for (const secret of [...ALWAYS_SECRET, TYPED.email, 'jane.doe', TYPED.name, TYPED.notes]) {
      expect(bodies, `"${secret}" leaked`).not.toContain(secret);
    }
    // The inputs were recorded, as fixed-length masks that do not even tell the length.
    const inputs = receivedEvents(harness).filter((e) => e.type === 3 && (e.data as { source: number }).source === 5);
    expect(inputs.length).toBeGreaterThan(0);
    expect(new Set(inputs.map((e) => (e.data as { text: string }).text))).toEqual(new Set(['********']));
    expect(bodies).toContain('Plain public text');
  });

  test('with maskAllInputs off, ordinary fields show while passwords (also toggled), cards and [data-sl-mask] stay masked', async () => {
    const bodies = await record({ 'data-mask-all-inputs': 'false' });
    for (const secret of ALWAYS_SECRET) expect(bodies, `"${secret}" leaked`).not.toContain(secret);
    // The other side of the same switch: ordinary fields are recorded as typed.
    expect(bodies).toContain(TYPED.name);
    expect(bodies).toContain(TYPED.notes);
    expect(bodies).toContain(TYPED.email);
  });

  test('[data-sl-block] becomes a same-size placeholder, [data-sl-mask] text is masked', async () => {
    await record({});
    const snapshot = receivedEvents(harness).find((event) => event.type === 2)!;
    const tree = (snapshot.data as { node: SerializedNode }).node;
    // rrweb keeps only the tag and the box of a blocked element: not even its attributes travel.
    const placeholders = [] as SerializedNode[];
    findNode(tree, (node) => {
      if (node.attributes?.rr_width !== undefined) placeholders.push(node);
      return false; // visit every node
    });
    expect(placeholders).toEqual([
      { type: 2, tagName: 'div', attributes: { rr_width: '320px', rr_height: '120px' }, childNodes: [], id: expect.any(Number) },
    ]);
    expect(findNode(tree, (node) => node.attributes?.id === 'promo')).toBeUndefined();
    const greeting = findNode(tree, (node) => node.attributes?.id === 'greeting')!;
    // Page text keeps its word shapes (rrweb's default), so the replay still reads like the page.
    expect(greeting.childNodes![0].textContent).toBe('Welcome back, Jane Secretname'.replace(/\S/g, '*'));
  });

  test('sl:field events name the fields, never their values; a toggled password is still a password', async () => {
    await record({ 'data-mask-all-inputs': 'false' });
    const fields = customEvents(harness, 'sl:field');
    expect(fields.find((f) => f.field === '#email' && f.action === 'focus')).toEqual({
      action: 'focus', form: '#signup', field: '#email', name: 'email', kind: 'email', label: '"Email" email field',
    });
    expect(fields.filter((f) => f.field === '#password').map((f) => f.kind)).toContain('password');
    expect(fields.filter((f) => f.field === '#password').every((f) => f.kind === 'password')).toBe(true);
    expect(fields.some((f) => f.field === '#nickname')).toBe(true);
    for (const field of fields) expect(Object.keys(field).sort()).toEqual(['action', 'field', 'form', 'kind', 'label', 'name']);
    // Typed values reach no label, whatever the masking of inputs.
    for (const value of Object.values(TYPED)) expect(fields.map((f) => f.label).join(' ')).not.toContain(value);
  });
});
