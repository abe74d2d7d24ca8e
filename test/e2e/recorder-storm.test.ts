/**
 * A page that churns its DOM, recorded in Chromium: the recorder coalesces the changes (far fewer mutation events
 * than the page made rounds of changes) and the replay still ends exactly where the page ended, played back by
 * rrweb's own Replayer from the events as they were sent.
 */
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { launchChromium } from '../../support/browser.ts';
import { receivedEvents, startHarness, type Harness } from './recorder-harness.ts';

let browser: Browser;
let harness: Harness;
let replayer: string;

beforeAll(async () => {
  [browser, harness] = await Promise.all([launchChromium(), startHarness()]);
  const bundle = await build({
    stdin: {
      contents: `import { Replayer } from 'rrweb';
        // Plays the events to their end and answers with each row of the replayed list as the page wrote it.
        window.replayToEnd = (events) => {
          const replayer = new Replayer(events, { root: document.body, showWarning: true });
          const last = Math.max(...events.map((event) => event.timestamp));
          replayer.pause(last - events[0].timestamp + 1);
          const list = replayer.iframe.contentDocument.getElementById('storm');
          return [...list.children].map((row) => row.className + '|' + row.dataset.sku + '|' + row.textContent);
        };`,
      resolveDir: process.cwd(),
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'error',
  });
  replayer = bundle.outputFiles[0]!.text;
});
afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

const isMutation = (event: RecordedEvent) => event.type === 3 && (event.data as { source?: number }).source === 0;

describe('recorder | a mutation storm', () => {
  test('changes within a window are recorded as one, and the replay ends where the page ended', async () => {
    const rounds = 60;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(harness.pageUrl('recorder-storm.html', { 'data-project': 'demo' }), { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.Sightline !== undefined);
    const final = (await page.evaluate(`window.runStorm({ rounds: ${rounds}, perRound: 12, keep: 48 })`)) as string[];
    await page.evaluate(() => window.Sightline!.flush());
    await context.close();

    const events = receivedEvents(harness);
    const mutations = events.filter(isMutation);
    expect(mutations.length).toBeGreaterThan(0);
    expect(mutations.length).toBeLessThan(rounds / 3);
    expect(final).toHaveLength(48);

    const player = await browser.newPage();
    // rrweb's Replayer warns about every change it cannot apply (a node it never saw, a parent missing).
    const warnings: string[] = [];
    player.on('console', (message) => void (['warning', 'error'].includes(message.type()) && warnings.push(message.text())));
    await player.setContent('<!doctype html><html><body></body></html>');
    await player.addScriptTag({ content: replayer });
    const replayed = await player.evaluate((recorded) => (window as unknown as { replayToEnd(e: unknown[]): string[] }).replayToEnd(recorded), events);
    await player.close();
    expect(replayed).toEqual(final);
    expect(warnings).toEqual([]);
  });
});
