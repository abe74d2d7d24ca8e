/**
 * Elements the recorder blocked arrive as an empty box of their size (rrweb keeps their class, rr_width and
 * rr_height). In real Chromium, the replay and the heatmap background must show each as a hatched box labelled
 * "Hidden for privacy", at its recorded size, whatever it was: a block element, an image, one with rrweb's rr-block
 * class, one added later by a mutation. The frame runs no script, so the label is CSS: read back computed styles.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { ingest, makeBatch, newId } from '../api/support.ts';
import { launchChromium } from '../../support/browser.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { documentOf, el, text } from '../helpers/snapshot-nodes.ts';

const T0 = Date.now() - 60_000;
const blocked = (className: string, width: number, height: number) => ({ class: className, rr_width: `${width}px`, rr_height: `${height}px` });
/** The placeholders by id: what the recorder saw, and the size it measured. */
const placeholders = [
  { id: 12, tag: 'aside', width: 320, height: 120 },
  { id: 13, tag: 'img', width: 240, height: 160 },
  { id: 14, tag: 'div', width: 200, height: 90 },
  { id: 30, tag: 'section', width: 360, height: 100 },
];

function recording(): RecordedEvent[] {
  const page = documentOf(
    el(3, 'html', {}, [
      // The store styles its chat widget as a white card: replayed bare, that is the blank card this fixes.
      el(4, 'head', {}, [el(5, 'style', {}, [text(6, '.chat { background: #fff; border-radius: 12px; } body { margin: 0; }', { isStyle: true })])]),
      el(10, 'body', {}, [
        el(11, 'h1', {}, [text(20, 'Checkout')]),
        el(12, 'aside', blocked('chat', 320, 120)),
        el(13, 'img', blocked('product-photo', 240, 160)),
        el(14, 'div', blocked('rr-block', 200, 90)),
        el(15, 'button', { id: 'pay' }, [text(21, 'Pay')]),
      ]),
    ]),
  );
  return [
    { type: 4, data: { href: 'https://shop.example/checkout', width: 1024, height: 768 }, timestamp: T0 },
    { type: 2, data: { node: page, initialOffset: { left: 0, top: 0 } }, timestamp: T0 + 10 },
    {
      type: 3,
      data: { source: 0, texts: [], attributes: [], removes: [], adds: [{ parentId: 10, nextId: null, node: el(30, 'section', blocked('reviews', 360, 100)) }] },
      timestamp: T0 + 300,
    },
    { type: 3, data: { source: 2, type: 2, id: 15, x: 20, y: 600 }, timestamp: T0 + 600 },
    { type: 3, data: { source: 1, positions: [{ x: 20, y: 600, id: 15, timeOffset: 0 }] }, timestamp: T0 + 3_000 },
  ];
}

interface Probe {
  tag: string;
  label: string;
  background: string;
  width: number;
  height: number;
}

/** Each marked placeholder in the frame, with its computed label, background and size (CSS px of the page). */
function probePlaceholders(page: Page, frameSelector: string): Promise<Probe[]> {
  return page.evaluate((selector) => {
    const frame = document.querySelector<HTMLIFrameElement>(selector)!;
    const view = frame.contentWindow!;
    return [...frame.contentDocument!.querySelectorAll<HTMLElement>('[data-sl-blocked]')].map((node) => ({
      tag: node.dataset.slBlocked ?? '',
      label: view.getComputedStyle(node, '::before').content,
      background: view.getComputedStyle(node).backgroundImage,
      width: node.offsetWidth,
      height: node.offsetHeight,
    }));
  }, frameSelector);
}

function expectPlaceholders(found: Probe[]): void {
  expect(found.map(({ tag, width, height }) => ({ tag, width, height }))).toEqual(
    placeholders.map(({ tag, width, height }) => ({ tag, width, height })),
  );
  for (const probe of found) {
    expect(probe.label).toBe('"Hidden for privacy"');
    expect(probe.background).toMatch(/^repeating-linear-gradient/);
  }
}

describe('e2e | blocked elements replay as a labelled placeholder', () => {
  let server: TestServer;
  let browser: Browser;
  let sessionId: string;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    sessionId = newId();
    await ingest(server.url, makeBatch(recording(), { sessionId }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(hash: string, ready: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await server.signIn(page.context());
    await page.goto(`${server.url}/${hash}`, { waitUntil: 'domcontentloaded' });
    await page.locator(ready).waitFor({ timeout: 20_000 });
    return page;
  }

  test('in the replay, including one a mutation added', async () => {
    const page = await open(`#/sessions/${sessionId}?t=2000`, '[data-testid="replay"][data-state="ready"]');
    const frame = '[data-testid="player"] iframe';
    await expect.poll(async () => (await probePlaceholders(page, frame)).length).toBe(placeholders.length);
    expectPlaceholders(await probePlaceholders(page, frame));
    await page.close();
  });

  test('in the heatmap background', async () => {
    const page = await open('#/heatmaps', '[data-testid="snapshot-frame"][data-state="ready"]');
    expectPlaceholders(await probePlaceholders(page, '[data-testid="snapshot-frame"] iframe'));
    await page.close();
  });
});
