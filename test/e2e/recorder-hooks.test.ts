import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RecordedEvent } from '../../contract/protocol.ts';
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
afterEach(async () => {
  for (const page of pages.splice(0)) await page.context().close();
});

declare global {
  interface Window {
    testOptions?: Record<string, unknown>;
    seen?: unknown[];
  }
}

/** The npm build's page, with `options` (functions included) set up by `setUp` before the page's script runs. */
async function openEsm(setUp: string | (() => void), path = 'recorder-esm.html'): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  pages.push(page);
  await page.addInitScript(setUp);
  await page.goto(`${harness.origin}/pages/${path}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.Sightline !== undefined);
  return page;
}

const flush = (page: Page) => page.evaluate(() => window.Sightline!.flush());
const tracked = () => customEvents(harness, 'sl:track').map((event) => event.name);

/** The rrweb id of the element with this id attribute in the recording's full snapshots. */
function nodeIdOf(events: RecordedEvent[], elementId: string): number[] {
  const ids: number[] = [];
  const walk = (node: { id: number; attributes?: Record<string, unknown>; childNodes?: unknown[] }) => {
    if (node.attributes?.id === elementId) ids.push(node.id);
    for (const child of node.childNodes ?? []) walk(child as typeof node);
  };
  for (const event of events) if (event.type === 2) walk((event.data as { node: Parameters<typeof walk>[0] }).node);
  return ids;
}

/** rrweb Input events (incremental source 5) for these node ids. */
const inputsOf = (events: RecordedEvent[], ids: number[]) =>
  events
    .filter((event) => event.type === 3 && (event.data as { source: number }).source === 5)
    .map((event) => event.data as { id: number; text: string })
    .filter((input) => ids.includes(input.id));

describe('recorder | beforeSend', () => {
  test('changes and drops events; a hook that throws drops that event only, and recording goes on', async () => {
    const page = await openEsm(() => {
      window.seen = [];
      window.testOptions = {
        beforeSend(event: { type: number; data: { tag?: string; payload?: { name?: string; props?: Record<string, unknown> } } }) {
          const name = event.type === 5 && event.data.tag === 'sl:track' ? event.data.payload?.name : undefined;
          if (name === 'drop-me') return null;
          if (name === 'explode') throw new Error('hook bug');
          if (name) event.data.payload!.props!.checked = true;
          return event;
        },
        onError(error: { code: string }) {
          window.seen!.push(error.code);
        },
      };
    });
    await page.evaluate(() => {
      window.Sightline!.track('keep');
      window.Sightline!.track('drop-me', { secret: 'dropped-q7x2' });
      window.Sightline!.track('explode');
    });
    await page.locator('h1').click(); // recording goes on after the hook threw
    await page.evaluate(() => window.Sightline!.track('after'));
    await waitFor('the later event', async () => (await flush(page), tracked().includes('after')));
    expect(tracked()).toEqual(['keep', 'after']);
    expect(customEvents(harness, 'sl:track').every((event) => event.props.checked === true)).toBe(true);
    expect(customEvents(harness, 'sl:click')).toHaveLength(1);
    expect(harness.received.map((received) => received.text).join('\n')).not.toContain('dropped-q7x2');
    expect(await page.evaluate(() => window.seen)).toEqual(['before_send_failed']);
  });
});

describe('recorder | why nothing is recorded', () => {
  test('onStatus and the debug line say consent is pending, then that it records', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    pages.push(page);
    const lines: string[] = [];
    page.on('console', (message) => lines.push(message.text()));
    await page.addInitScript(() => {
      window.seen = [];
      window.testOptions = { requireConsent: true, debug: true, onStatus: (status: unknown) => window.seen!.push(status) };
    });
    await page.goto(`${harness.origin}/pages/recorder-esm.html`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.Sightline !== undefined);
    await page.evaluate(() => window.Sightline!.consent('granted'));
    expect(await page.evaluate(() => window.seen)).toEqual([
      { recording: false, reason: 'consent_pending' },
      { recording: true, reason: 'recording' },
    ]);
    expect(lines.filter((line) => line.startsWith('[sightline]'))).toEqual(['[sightline] not recording: consent_pending', '[sightline] recording']);
    // The recorder's own line is not the page's console output.
    await flush(page);
    expect(customEvents(harness, 'sl:console')).toEqual([]);
  });

  const report = 'window.seen = []; window.testOptions = { ...window.testOptions, onStatus: (status) => window.seen.push(status.reason) };';
  test.each([
    ['Global Privacy Control', 'global_privacy_control', "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });"],
    ['Do Not Track', 'do_not_track', "Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });"],
    ['sampleRate 0', 'not_sampled', 'window.testOptions = { sampleRate: 0 };'],
  ])('%s is reported as %s', async (_case, reason, setUp) => {
    const page = await openEsm(`${setUp} ${report}`);
    expect(await page.evaluate(() => window.seen)).toEqual([reason]);
  });
});

describe('recorder | the last field typed before leaving', () => {
  test('a field typed into and left by navigating away keeps its (masked) value', async () => {
    const page = await openEsm(() => {});
    await page.locator('#address').pressSequentially('12 Secret Lane');
    // A script navigates while the field still has focus: no blur, so no change event for rrweb.
    await Promise.all([
      page.waitForURL(/next=1/),
      page.evaluate(() => { location.href = '/pages/recorder-esm.html?next=1'; }),
    ]);
    await page.waitForFunction(() => window.Sightline !== undefined);
    await flush(page);
    const events = receivedEvents(harness);
    const firstPage = events.slice(0, events.findIndex((event, index) => index > 0 && event.type === 4));
    expect(inputsOf(firstPage, nodeIdOf(firstPage, 'address'))).toEqual([expect.objectContaining({ text: '********' })]);
    expect(JSON.stringify(events)).not.toContain('Secret Lane');
  });

  test('an SPA navigation keeps the value of the textarea being typed in', async () => {
    const page = await openEsm(() => {});
    await page.locator('#notes').pressSequentially('leave at the door');
    await page.evaluate(() => history.pushState({}, '', '/pages/elsewhere'));
    await waitFor('the input event', async () => {
      await flush(page);
      const events = receivedEvents(harness);
      return inputsOf(events, nodeIdOf(events, 'notes')).length > 0;
    });
    const events = receivedEvents(harness);
    expect(inputsOf(events, nodeIdOf(events, 'notes'))).toEqual([expect.objectContaining({ text: '********' })]);
  });

  test('a field left by blurring it is recorded by rrweb alone, once', async () => {
    const page = await openEsm(() => {});
    await page.locator('#address').pressSequentially('12 Secret Lane');
    await page.locator('h1').click();
    await page.evaluate(() => history.pushState({}, '', '/pages/elsewhere'));
    await flush(page);
    const events = receivedEvents(harness);
    expect(inputsOf(events, nodeIdOf(events, 'address'))).toHaveLength(1);
  });
});
