import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { builtViewerDir } from '../helpers/screenshots.ts';
import { EVENTS_PAGE_LIMIT, FakeApi, counterEvents, counterMarks, counterSignals } from './viewer-fake-api.ts';

let browser: Browser;
let api: FakeApi;
let context: BrowserContext;
let page: Page;
// Uncaught exceptions in any page of the test; each test must end with none.
let pageErrors: Error[] = [];

/** Slack for a playing replay to move on between a seek and the test reading the clock, ms. */
const PLAYBACK_SLACK_MS = 4000;
/** A signal's jump lands this long before its first click (SIGNAL_LEAD_IN_MS in viewer/src/lib/marks.ts). */
const SIGNAL_LEAD_IN_MS = 1000;

/** Marks and signals of the counter session as the viewer names their kinds, in time order (marks first on a tie). */
const counterMoments = [
  ...counterMarks.map((mark) => ({ offsetMs: mark.offsetMs, kind: mark.kind as string, rank: 0 })),
  ...counterSignals.map((signal) => ({
    offsetMs: signal.offsetMs,
    kind: signal.kind === 'error' ? 'error-click' : signal.kind,
    rank: 1,
  })),
].sort((a, b) => a.offsetMs - b.offsetMs || a.rank - b.rank);

beforeAll(async () => {
  api = new FakeApi(builtViewerDir);
  await api.start();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
  pageErrors = [];
  context.on('page', (opened) => opened.on('pageerror', (error) => pageErrors.push(error)));
  page = await context.newPage();
});

afterEach(async () => {
  await context.close();
  expect(pageErrors.map((error) => error.message)).toEqual([]);
});

async function openReplay(target: Page, hash: string, state = 'ready') {
  await target.goto(`${api.url}/${hash}`, { waitUntil: 'domcontentloaded' });
  await target.locator(`[data-testid="replay"][data-state="${state}"]`).waitFor();
}

async function allEventsLoaded(target: Page = page) {
  await target.locator('[data-testid="load-progress"][data-done="true"]').waitFor();
}

function currentTime(target: Page = page): Promise<number> {
  return target.getByTestId('current-time').getAttribute('data-ms').then(Number);
}

/** The number the recorded counter page shows inside the replay iframe (read from the viewer's side). */
function replayedCounter(target: Page = page): Promise<number> {
  return target.evaluate(() => {
    const frame = document.querySelector<HTMLIFrameElement>('[data-testid="player"] iframe');
    return Number(frame?.contentDocument?.querySelector('#counter')?.textContent ?? NaN);
  });
}

describe('viewer | replay', () => {
  test('starts playing after the first events page and loads the rest in the background', async () => {
    const release = api.holdLaterEventPages();
    await openReplay(page, '#/sessions/s-counter');
    const progress = page.getByTestId('load-progress');
    expect(await progress.getAttribute('data-done')).toBe('false');
    expect(await progress.innerText()).toContain(`Loading events ${EVENTS_PAGE_LIMIT} / ${counterEvents.length}`);

    release();
    await allEventsLoaded();
    expect(await progress.innerText()).toContain(`All ${counterEvents.length} events loaded`);
    const pages = api.requestsTo(/^\/api\/sessions\/s-counter\/events$/);
    expect(pages.map((request) => request.query.get('cursor'))).toEqual([null, '50', '100', '150', '200']);
    expect(pages.every((request) => request.query.get('window') === 'w-main')).toBe(true);
  });

  test('rebuilds the recorded page in an iframe sandboxed without allow-scripts, at the recorded aspect ratio', async () => {
    await openReplay(page, '#/sessions/s-counter');
    const sandbox = await page.locator('[data-testid="player"] iframe').getAttribute('sandbox');
    expect(sandbox).toBe('allow-same-origin');
    expect(sandbox).not.toContain('allow-scripts');
    expect(await replayedCounter()).toBeGreaterThanOrEqual(0);

    // The corpus recording is 1600×900; scaled into the frame, it keeps that shape at whatever width the page gives.
    const box = await page.locator('[data-testid="player"] .replayer-wrapper').boundingBox();
    expect(box!.width).toBeGreaterThan(400);
    expect(box!.width / box!.height).toBeCloseTo(1600 / 900, 1);
    const frame = (await page.locator('[data-testid="player"] .rr-player__frame').boundingBox())!;
    expect(box!.x).toBeGreaterThanOrEqual(frame.x);
    expect(box!.x + box!.width).toBeLessThanOrEqual(frame.x + frame.width + 1);

    const meta = await page.getByTestId('session-meta').innerText();
    for (const fact of ['1:06', 'Desktop', 'Chrome 120 on Linux', '1600 × 900', 'user-42']) expect(meta).toContain(fact);
  });

  test('draws a marker per mark; clicking one seeks the player and the current URL follows page marks', async () => {
    await openReplay(page, '#/sessions/s-counter');
    await allEventsLoaded();
    const markers = page.getByTestId('timeline-mark').and(page.locator(':not(.signal)'));
    expect(await markers.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')))).toEqual(
      counterMarks.map((mark) => mark.kind),
    );
    expect(await page.getByTestId('current-url').innerText()).toBe('http://localhost:8080/');

    await markers.nth(1).hover();
    expect(await markers.nth(1).locator('.tip').isVisible()).toBe(true);
    expect(await markers.nth(1).locator('.tip').innerText()).toContain('add_to_cart');

    const cartMark = markers.nth(2);
    await cartMark.click();
    const cartOffset = counterMarks[2].offsetMs;
    await expect.poll(() => page.getByTestId('current-url').innerText()).toBe('http://localhost:8080/cart');
    const time = await currentTime();
    expect(time).toBeGreaterThanOrEqual(cartOffset);
    expect(time).toBeLessThan(cartOffset + PLAYBACK_SLACK_MS);
    // The recorded counter ticks once a second, so the replayed DOM shows the number of seconds sought to.
    await expect.poll(() => replayedCounter()).toBeGreaterThanOrEqual(cartOffset / 1000 - 2);
    expect(await replayedCounter()).toBeLessThanOrEqual((cartOffset + PLAYBACK_SLACK_MS) / 1000 + 1);

    await mkdir('test-results', { recursive: true });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: 'test-results/viewer-replay.png' });

    // The side list jumps the same way.
    const errorOffset = counterMarks[4].offsetMs;
    await page.locator('[data-testid="mark-item"][data-kind="error"]').click();
    await expect.poll(() => currentTime()).toBeGreaterThanOrEqual(errorOffset);
    expect(await currentTime()).toBeLessThan(errorOffset + PLAYBACK_SLACK_MS);
  });

  test('draws every signal as a coloured diamond with a legend and tooltip; the moments list jumps to each', async () => {
    await openReplay(page, '#/sessions/s-counter');
    await allEventsLoaded();
    const markers = page.getByTestId('timeline-mark');
    const drawn = await markers.evaluateAll((nodes) =>
      nodes.map((node) => ({
        kind: node.getAttribute('data-kind'),
        offset: Number(node.getAttribute('data-offset')),
        signal: node.classList.contains('signal'),
        colour: getComputedStyle(node, '::before').backgroundColor,
      })),
    );
    expect(drawn.map((mark) => mark.kind)).toEqual(counterMoments.map((moment) => moment.kind));
    const signals = drawn.filter((mark) => mark.signal);
    expect(signals.map((mark) => [mark.kind, mark.offset])).toEqual([
      ['rage', 20_000],
      ['dead', 40_000],
      ['error-click', 45_000],
    ]);
    // Three kinds, three colours.
    expect(new Set(signals.map((mark) => mark.colour)).size).toBe(3);
    const legend = page.getByTestId('timeline-legend');
    for (const name of ['Rage click', 'Dead click', 'Error click', 'Page', 'Error']) expect(await legend.innerText()).toContain(name);

    const rage = page.locator('[data-testid="timeline-mark"][data-kind="rage"]');
    await rage.hover();
    const tip = rage.locator('.tip');
    expect(await tip.isVisible()).toBe(true);
    expect(await tip.innerText()).toContain('"Apply" button');
    expect(await tip.innerText()).toContain('#apply-promo');
    expect(await tip.innerText()).toContain('5 clicks, nothing happened');
    // The tooltip is drawn above the bar and upright, not inside the diamond.
    const tipBox = (await tip.boundingBox())!;
    const rageBox = (await rage.boundingBox())!;
    expect(tipBox.y + tipBox.height).toBeLessThanOrEqual(rageBox.y);
    expect(tipBox.width).toBeGreaterThan(tipBox.height);

    await rage.click();
    const rageSeek = counterSignals[0].offsetMs - SIGNAL_LEAD_IN_MS;
    await expect.poll(() => currentTime()).toBeGreaterThanOrEqual(rageSeek);
    expect(await currentTime()).toBeLessThan(rageSeek + PLAYBACK_SLACK_MS);
    await page.mouse.move(0, 0);
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/viewer-replay-signals.png' });

    // The side list holds the same moments in the same order, signals labelled with their element.
    const items = page.getByTestId('mark-item');
    expect(await items.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')))).toEqual(
      counterMoments.map((moment) => moment.kind),
    );
    // An element reads as its label, the selector on demand; one recorded without a label reads as its selector.
    const rageItem = page.locator('[data-testid="mark-item"][data-kind="rage"]');
    expect(await rageItem.innerText()).toContain('"Apply" button');
    expect(await rageItem.innerText()).toContain('5 clicks, nothing happened');
    expect(await rageItem.innerText()).not.toContain('#apply-promo');
    expect(await rageItem.locator('.label').getAttribute('title')).toContain('#apply-promo');
    const deadItem = page.locator('[data-testid="mark-item"][data-kind="dead"]');
    expect(await deadItem.innerText()).toContain('#product-image');
    // A page reads as its path, never a URL cut after its host; the whole URL is the tooltip.
    const cartPage = page.locator('[data-testid="mark-item"][data-kind="page"]').nth(1);
    expect(await cartPage.locator('.label').innerText()).toBe('/cart');
    expect(await cartPage.locator('.label').getAttribute('title')).toContain('http://localhost:8080/cart');
    const errorItem = page.locator('[data-testid="mark-item"][data-kind="error-click"]');
    expect(await errorItem.innerText()).toContain('TypeError: cart.items is undefined');
    await deadItem.click();
    const deadSeek = counterSignals[1].offsetMs - SIGNAL_LEAD_IN_MS;
    await expect.poll(() => currentTime()).toBeGreaterThanOrEqual(deadSeek);
    expect(await currentTime()).toBeLessThan(deadSeek + PLAYBACK_SLACK_MS);
  });

  test('copies a link with t= at the current time, and opening it seeks there once those events arrive', async () => {
    await openReplay(page, '#/sessions/s-counter');
    await allEventsLoaded();
    await page.locator('[data-testid="timeline-mark"][data-kind="identify"]').click();
    await page.getByTestId('copy-link').click();
    const link = await page.getByTestId('copied-link').inputValue();
    const match = /^http:\/\/127\.0\.0\.1:\d+\/#\/sessions\/s-counter\?t=(\d+)$/.exec(link);
    expect(match, link).not.toBeNull();
    const t = Number(match![1]);
    expect(t).toBeGreaterThanOrEqual(counterMarks[3].offsetMs);
    expect(t).toBeLessThan(counterMarks[3].offsetMs + PLAYBACK_SLACK_MS);

    // Held back, the events at t are not there yet: the seek waits for them instead of getting lost.
    const release = api.holdLaterEventPages();
    const other = await context.newPage();
    await openReplay(other, link.slice(link.indexOf('#')));
    expect(await currentTime(other)).toBeLessThan(t);
    release();
    await expect.poll(() => currentTime(other)).toBeGreaterThanOrEqual(t);
    expect(await currentTime(other)).toBeLessThan(t + PLAYBACK_SLACK_MS);
  });

  test('a link with t opens there; a new t seeks the open player in place, another session loads anew', async () => {
    await openReplay(page, '#/sessions/s-counter?t=30000');
    await expect.poll(() => currentTime()).toBeGreaterThanOrEqual(30_000);
    expect(await currentTime()).toBeLessThan(30_000 + PLAYBACK_SLACK_MS);
    await allEventsLoaded();
    // Tag the player's iframe: a replay built anew would come with a new, untagged one.
    await page.evaluate(() => ((document.querySelector('[data-testid="player"] iframe') as HTMLElement).dataset.tag = 'first'));
    const requestsBefore = api.requests.length;

    for (const t of [10_000, 50_000]) {
      // As a link from another page or a pasted URL would: only the hash changes.
      await page.evaluate((hash) => (location.hash = hash), `#/sessions/s-counter?t=${t}`);
      await expect.poll(() => currentTime()).toBeGreaterThanOrEqual(t);
      expect(await currentTime()).toBeLessThan(t + PLAYBACK_SLACK_MS);
      await expect.poll(() => replayedCounter()).toBeGreaterThanOrEqual(t / 1000 - 2);
    }
    expect(api.requests.slice(requestsBefore)).toEqual([]);
    expect(await page.locator('[data-testid="player"] iframe[data-tag="first"]').count()).toBe(1);
    expect(await page.getByTestId('replay').getAttribute('data-state')).toBe('ready');

    // Another session is another replay: its own detail and events, a new player.
    await page.evaluate(() => (location.hash = '#/sessions/s-tabs?t=5000'));
    await page.locator('[data-testid="player"] iframe:not([data-tag])').waitFor();
    await expect.poll(() => currentTime()).toBeGreaterThanOrEqual(5_000);
    const later = api.requests.slice(requestsBefore).map((request) => request.path);
    expect(later).toContain('/api/sessions/s-tabs');
    expect(later).toContain('/api/sessions/s-tabs/events');
  });

  test('switches between the tabs of a multi-window session', async () => {
    await openReplay(page, '#/sessions/s-tabs');
    const tabs = page.getByTestId('window-tab');
    expect(await tabs.count()).toBe(2);
    expect(await page.getByTestId('timeline-mark').count()).toBe(1);
    // The rage click happened in the other tab, so this one shows no signal.
    expect(await page.locator('[data-testid="timeline-mark"][data-kind="rage"]').count()).toBe(0);

    await tabs.nth(1).click();
    await page.waitForFunction(() => location.hash === '#/sessions/s-tabs?window=w-two');
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor();
    await expect.poll(() => page.getByTestId('timeline-mark').count()).toBe(3);
    expect(await page.getByTestId('timeline-mark').evaluateAll((nodes) => nodes.map((node) => node.dataset.kind))).toEqual([
      'page',
      'rage',
      'track',
    ]);
    const windows = api.requestsTo(/^\/api\/sessions\/s-tabs\/events$/).map((request) => request.query.get('window'));
    expect(windows).toContain('w-one');
    expect(windows.at(-1)).toBe('w-two');
    expect(await tabs.nth(1).getAttribute('aria-current')).toBe('page');
  });

  test('explains a session with too few events instead of crashing', async () => {
    await openReplay(page, '#/sessions/s-short', 'empty');
    expect(await page.getByTestId('replay-unplayable').innerText()).toContain('Not enough recorded to replay');
    expect(await page.locator('[data-testid="player"]').count()).toBe(0);
  });

  test('shows the API error for an unknown session', async () => {
    await openReplay(page, '#/sessions/s-missing', 'error');
    expect(await page.getByTestId('replay-error').innerText()).toContain('No session with id "s-missing"');
  });
});
