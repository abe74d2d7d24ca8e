/**
 * The browser side of figure 2: a context per run in which `/recorder.js` is one of three things — nothing, bare
 * rrweb record() with Sightline's default masking, or the real Sightline recorder sending to the real server — and
 * the two workloads timed inside Chromium: the mutation storm page and a scripted shopper on the demo store.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { completePurchase } from '../demo/journeys.ts';
import { createShopper } from '../demo/shopper.ts';
import { profileFromTrace, type CpuProfile } from './profile.ts';
import { bundleForBrowser, repoRoot } from './shared.ts';

export const VARIANTS = ['none', 'rrweb', 'sightline'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface StormOptions {
  /** Rounds of churn, each its own task. */
  rounds: number;
  /** Rows inserted (and, once the grid is full, removed) per round; attribute and text changes scale with them. */
  perRound: number;
}

export type Workload = 'storm' | 'shopper';

/** What one run of a workload cost the page. */
export interface PageCost {
  /** CPU time of the page's renderer process (all its threads) over the work, in ms. */
  cpuMs: number;
  /** performance.now() around the work inside the page, in ms; null for the shopper, whose time is mostly pauses. */
  wallMs: number | null;
  /** Long tasks (over 50 ms) on the main thread during the work, in ms. */
  longTaskMs: number;
  /** Storm only: for each click the bench made during the storm, ms from the click to the next animation frame. */
  clickToFrameMs: number[];
  /** Chromium's CPU profile of the main thread, when asked for. */
  profile?: CpuProfile;
}

/**
 * Bare rrweb: @rrweb/record with the masking Sightline applies by default (every input masked, the same mask and
 * block selectors, same start and input sampling), keeping its events in memory as rrweb's guide does.
 */
export async function buildBareRrweb(): Promise<string> {
  const contents = `import { record } from '@rrweb/record';
    window.benchEvents = [];
    record({
      emit: (event) => window.benchEvents.push(event),
      maskAllInputs: true,
      maskTextSelector: '[data-sl-mask]',
      blockSelector: '[data-sl-block]',
      recordAfter: 'DOMContentLoaded',
      sampling: { input: 'last' },
    });`;
  return new TextDecoder().decode(await bundleForBrowser(contents));
}

const STORM_PATH = '/bench/mutation-storm.html';
/** A click on the storm page's probe button this often while the storm runs. */
export const STORM_CLICK_INTERVAL_MS = 100;
const BLANK_PATH = '/bench/blank.html';
const stormHtml = readFileSync(join(repoRoot, 'bench/pages/mutation-storm.html'), 'utf8')
  .replace('<!-- recorder -->', '<script src="/recorder.js" data-project="demo"></script>');

/**
 * Sums long tasks into sessionStorage, which outlives the navigations of a journey. A string, not a function:
 * tsx wraps named inner functions in a helper the page does not have.
 */
const LONG_TASK_SCRIPT = `
  new PerformanceObserver((list) => {
    let total = Number(sessionStorage.getItem('bench:long-task-ms') || 0);
    for (const entry of list.getEntries()) total += entry.duration;
    sessionStorage.setItem('bench:long-task-ms', String(total));
  }).observe({ type: 'longtask', buffered: true });`;

/** A fresh context (so a fresh recorder session) where /recorder.js is what the variant says. */
export async function variantContext(browser: Browser, serverUrl: string, variant: Variant, bareRrweb: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Every variant's page asks for /recorder.js, so each pays the same request; only the answer differs.
  await context.route('**/recorder.js', (route) =>
    variant === 'sightline'
      ? route.continue()
      : route.fulfill({ contentType: 'text/javascript', body: variant === 'rrweb' ? bareRrweb : '' }));
  await context.route(`${serverUrl}/bench/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    return route.fulfill({ contentType: 'text/html', body: path === STORM_PATH ? stormHtml : '<!doctype html><title>blank</title>' });
  });
  await context.addInitScript({ content: LONG_TASK_SCRIPT });
  return context;
}

/** Opens the storm page and waits until the recorder has taken its first snapshot and the page is quiet. */
async function openStorm(context: BrowserContext, serverUrl: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${serverUrl}${STORM_PATH}`, { waitUntil: 'domcontentloaded' });
  await page.locator('html[data-bench-ready="true"]').waitFor({ state: 'attached' });
  // rrweb snapshots at DOMContentLoaded; give it and the first tasks after it time to finish before timing.
  await page.waitForTimeout(300);
  return page;
}

/** The renderer process's CPU time so far, in ms: cumulative across the same-origin pages of a journey. */
async function rendererCpuMs(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return (metrics.find((metric) => metric.name === 'ProcessTime')?.value ?? Number.NaN) * 1000;
}

const longTaskTotal = async (page: Page) => Number(await page.evaluate(`sessionStorage.getItem('bench:long-task-ms') || 0`));

/**
 * One run of a workload in a fresh context of the variant. The storm runs on its own page; the shopper makes one
 * scripted purchase on the demo store, the same path every time (fixed seed), starting on the store's origin so
 * all its pages share one renderer process, whose CPU time is therefore the journey's.
 */
export async function runWorkload(
  context: BrowserContext,
  serverUrl: string,
  workload: Workload,
  settings: { storm: StormOptions; shopperPace: number; profile?: boolean },
): Promise<PageCost> {
  const page = workload === 'storm' ? await openStorm(context, serverUrl) : await context.newPage();
  if (workload === 'shopper') await page.goto(`${serverUrl}${BLANK_PATH}`, { waitUntil: 'domcontentloaded' });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const browser = context.browser()!;
  if (settings.profile) await browser.startTracing(page, { categories: ['disabled-by-default-v8.cpu_profiler'] });
  const cpuBefore = await rendererCpuMs(cdp);
  const longTasksBefore = await longTaskTotal(page);
  let wallMs: number | null = null;
  let stormLongTaskMs = 0;
  let clickToFrameMs: number[] = [];
  if (workload === 'storm') {
    const probe = await page.locator('#bench-probe').boundingBox();
    const storm = page.evaluate(`window.runMutationStorm(${JSON.stringify(settings.storm)})`) as Promise<{ ms: number; longTaskMs: number }>;
    let stormOver = false;
    void storm.finally(() => (stormOver = true));
    // A shopper clicking while the page churns: trusted clicks through CDP, the same for every variant.
    while (!stormOver) {
      await page.mouse.click(probe!.x + probe!.width / 2, probe!.y + probe!.height / 2);
      await page.waitForTimeout(STORM_CLICK_INTERVAL_MS);
    }
    const result = await storm;
    wallMs = result.ms;
    stormLongTaskMs = result.longTaskMs;
    clickToFrameMs = (await page.evaluate('window.benchFrameDelays')) as number[];
  } else {
    await completePurchase(page, `${serverUrl}/demo/`, createShopper({ index: 0, seed: 11, pace: settings.shopperPace }));
  }
  const cpuMs = (await rendererCpuMs(cdp)) - cpuBefore;
  const profile = settings.profile ? profileFromTrace(JSON.parse((await browser.stopTracing()).toString('utf8'))) : undefined;
  // The storm counts its own long tasks exactly; a journey's pages add theirs up in sessionStorage.
  const longTaskMs = workload === 'storm' ? stormLongTaskMs : (await longTaskTotal(page)) - longTasksBefore;
  await cdp.detach();
  return { cpuMs, wallMs, longTaskMs, clickToFrameMs, profile };
}
