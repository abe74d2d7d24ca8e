/**
 * scripts/trim-rrweb.mjs cuts code out of rrweb that the recorder never runs. In Chromium, rrweb as the recorder
 * starts it (canvas on, selectors, mask functions, last-value input sampling) must record exactly the same events
 * with the cuts as without them, on a page with what the cuts are near: head meta tags and comments (slimDOM),
 * a same-origin iframe, a shadow root, canvas drawing, style sheets, masked inputs and clicks.
 */
import type { Browser } from 'playwright-core';
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { trimRrweb } from '../../scripts/trim-rrweb.mjs';
import { launchChromium } from '../../support/browser.ts';

/** rrweb's options as recorder/recording.ts and recorder/privacy.ts pass them, with simple mask functions. */
const ENTRY = `import { record } from '@rrweb/record';
  window.recorded = [];
  window.recordErrors = [];
  window.stopRecording = record({
    emit: (event) => window.recorded.push(event),
    maskInputOptions: { password: true, email: true, text: true, select: true },
    maskInputFn: (text) => '*'.repeat(text.length),
    maskTextFn: (text) => text.replace(/\\S/g, '*'),
    maskTextSelector: '.mask',
    blockSelector: '.block',
    recordCanvas: true,
    recordAfter: 'DOMContentLoaded',
    sampling: { input: 'last' },
    errorHandler: (error) => { window.recordErrors.push(String(error)); return true; },
  });`;

async function bundle(plugins: Plugin[]): Promise<string> {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    logLevel: 'warning',
    plugins,
  });
  return result.outputFiles[0].text;
}

interface Recorded {
  events: Array<{ type: number; data: Record<string, unknown> }>;
  errors: string[];
}

let browser: Browser;
let page: string;

beforeAll(async () => {
  [browser, page] = await Promise.all([launchChromium(), readFile(new URL('../fixtures/pages/rrweb-trim.html', import.meta.url), 'utf8')]);
});
afterAll(async () => {
  await browser?.close();
});

/** The events rrweb built from `script` records on the page, without times and pointer coordinates. */
async function record(script: string): Promise<Recorded> {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 } });
  const tab = await context.newPage();
  await tab.setContent(page.replace('{{SCRIPT}}', () => `<script>${script.replace(/<\/script/gi, '<\\/script')}</script>`), { waitUntil: 'domcontentloaded' });
  await tab.waitForFunction(() => (window as unknown as { trimCheckDone?: boolean }).trimCheckDone === true);
  const recorded = await tab.evaluate(() => {
    const own = window as unknown as { stopRecording: () => void; recorded: unknown[]; recordErrors: string[] };
    own.stopRecording();
    return JSON.stringify({ events: own.recorded, errors: own.recordErrors });
  });
  await context.close();
  return JSON.parse(recorded, (key, value) => (['timestamp', 'timeOffset', 'x', 'y'].includes(key) ? undefined : value)) as Recorded;
}

test('trimmed rrweb records the same events as rrweb untouched', async () => {
  const [untouched, trimmed] = [await record(await bundle([])), await record(await bundle([trimRrweb]))];
  expect(untouched.errors).toEqual([]);
  expect(trimmed.errors).toEqual([]);
  expect(trimmed.events).toEqual(untouched.events);

  // The page did what it is for, so the comparison covers it.
  const text = JSON.stringify(trimmed.events);
  const incremental = (source: number) => trimmed.events.filter((event) => event.type === 3 && event.data.source === source);
  expect(text).toContain('"textContent":" a comment in the head, which rrweb\'s slimDOM would drop "');
  expect(text).toContain('"property":"og:title"');
  expect(text).toContain('"isShadow":true');
  expect(text).toContain('"isAttachIframe":true');
  expect(text).toContain('"textContent":"a comment added later"');
  expect(text).not.toContain('masked words');
  expect(text).not.toContain('hunter2');
  expect(incremental(9)).toHaveLength(1); // canvas drawing
  expect(incremental(8).length + incremental(15).length).toBe(2); // a style rule, an adopted sheet
  expect(incremental(5).map((event) => event.data.text)).toEqual(['*'.repeat(20), '*'.repeat(7), '*', '*'.repeat('typed in the frame'.length)]);
  expect(incremental(2).map((event) => event.data.type)).toEqual([2]); // the click (rrweb takes mouse down and up from pointer events)
});
