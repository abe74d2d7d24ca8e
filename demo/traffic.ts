/**
 * Traffic generator: scripted shoppers walk through the demo store so a fresh Sightline has sessions, funnels and
 * frustration signals to show.
 *
 *   npm run demo:traffic -- [--shoppers 36] [--seed 1] [--concurrency 2] [--pace 1] [--url http://localhost:8787]
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { contextOptions, pickDevice, type DeviceProfile } from './devices.ts';
import { flushRecorder } from './human.ts';
import { journeys, type JourneyName, type JourneyOutcome, type PurchaseOutcome } from './journeys.ts';
import { createShopper, seededRandom } from './shopper.ts';

export interface TrafficOptions {
  /** How many shoppers visit, one fresh browser context (so one fresh session) each. Default 36. */
  shoppers: number;
  /** Seed of the whole run: the same seed gives the same shoppers, devices and choices. Default 1. */
  seed: number;
  /** Shoppers in the store at the same time. Default 2. */
  concurrency: number;
  /** Multiplier on human-ish pauses and typing delays; 0 is as fast as Playwright goes. Default 1. */
  pace: number;
  /** Origin of the Sightline server, the store being at `${url}/demo/`. Default $SIGHTLINE_URL or localhost:8787. */
  url: string;
}

export const defaultTrafficOptions: TrafficOptions = {
  shoppers: 36,
  seed: 1,
  concurrency: 2,
  pace: 1,
  url: process.env.SIGHTLINE_URL ?? 'http://localhost:8787',
};

export interface ShopperPlan {
  index: number;
  journey: JourneyName;
  device: DeviceProfile;
  seed: number;
}

interface ShopperResult {
  plan: ShopperPlan;
  outcome?: JourneyOutcome;
  error?: string;
  /** Whether window.Sightline was there to flush. */
  recorded: boolean;
  ms: number;
}

/** Who visits, on what device, doing what. Every journey appears in any run of six or more shoppers. */
export function planShoppers(options: Pick<TrafficOptions, 'shoppers' | 'seed'>): ShopperPlan[] {
  const random = seededRandom(options.seed);
  const names = Object.keys(journeys) as JourneyName[];
  const assigned = Array.from({ length: options.shoppers }, (_, index) => names[index % names.length]);
  for (let i = assigned.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [assigned[i], assigned[j]] = [assigned[j], assigned[i]];
  }
  return assigned.map((journey, index) => ({
    index,
    journey,
    device: pickDevice(random()),
    seed: Math.floor(random() * 2 ** 32),
  }));
}

async function runShopper(browser: Browser, baseUrl: string, plan: ShopperPlan, pace: number): Promise<ShopperResult> {
  const started = performance.now();
  const context = await browser.newContext(contextOptions(plan.device));
  try {
    const page = await context.newPage();
    const shopper = createShopper({ index: plan.index, seed: plan.seed, pace });
    let outcome: JourneyOutcome | undefined;
    let error: string | undefined;
    try {
      outcome = await journeys[plan.journey](page, baseUrl, shopper);
    } catch (failure) {
      error = (failure instanceof Error ? failure.message : String(failure)).split('\n')[0];
    }
    // Flush even after a failure: the half-finished session is worth keeping.
    const recorded = await flushRecorder(page);
    return { plan, outcome, error, recorded, ms: performance.now() - started };
  } finally {
    await context.close();
  }
}

function describe(result: ShopperResult): string {
  const { plan } = result;
  const status = result.error ? 'FAIL' : 'ok  ';
  const seconds = `${(result.ms / 1000).toFixed(1)}s`.padStart(6);
  const detail = result.error ?? result.outcome?.summary ?? '';
  return `#${String(plan.index + 1).padStart(2, '0')} ${plan.device.name.padEnd(8)} ${plan.journey.padEnd(18)}`
    + ` ${status} ${seconds}  ${detail}`;
}

function totals(results: ShopperResult[], ms: number): string {
  const failed = results.filter((result) => result.error).length;
  const purchases = results.filter((result) => result.plan.journey === 'completePurchase' && !result.error);
  const revenue = purchases.reduce((sum, result) => {
    const total = (result.outcome as PurchaseOutcome).total;
    return sum + Number(total.replace(/[^0-9.]/g, ''));
  }, 0);
  const recorded = results.filter((result) => result.recorded).length;
  const line = `${results.length} shoppers in ${(ms / 1000).toFixed(1)}s:`
    + ` ${results.length - failed} ok, ${failed} failed; ${purchases.length} purchases ($${revenue.toFixed(2)});`
    + ` recorder flushed in ${recorded} sessions`;
  return recorded === 0 && results.length > 0
    ? `${line}\nwindow.Sightline was never there, so nothing was recorded: is the recorder built and at /recorder.js?`
    : line;
}

/** Runs the whole crowd and prints a line per shopper and a total; resolves to the number of failed shoppers. */
export async function runTraffic(options: TrafficOptions): Promise<number> {
  const baseUrl = `${options.url.replace(/\/+$/, '')}/demo/`;
  const reachable = await fetch(baseUrl).then((response) => response.ok, () => false);
  if (!reachable) {
    console.error(`The demo store is not reachable at ${baseUrl}: start Sightline first (npm start).`);
    return 1;
  }
  const plans = planShoppers(options);
  console.log(`${plans.length} shoppers, ${options.concurrency} at a time, seed ${options.seed}, at ${baseUrl}`);
  const browser = await launchChromium();
  const started = performance.now();
  const results: ShopperResult[] = [];
  let next = 0;
  try {
    const workers = Array.from({ length: Math.max(1, options.concurrency) }, async () => {
      while (next < plans.length) {
        const result = await runShopper(browser, baseUrl, plans[next++], options.pace);
        console.log(describe(result));
        results.push(result);
      }
    });
    await Promise.all(workers);
  } finally {
    await browser.close();
  }
  console.log(totals(results, performance.now() - started));
  return results.filter((result) => result.error).length;
}

function parseOptions(argv: string[]): TrafficOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      shoppers: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      pace: { type: 'string' },
      url: { type: 'string' },
    },
  });
  const number = (name: 'shoppers' | 'seed' | 'concurrency' | 'pace', min: number): number => {
    const raw = values[name];
    if (raw === undefined) return defaultTrafficOptions[name];
    const parsed = Number(raw);
    if (!Number.isFinite(parsed) || parsed < min) throw new Error(`--${name} must be a number ≥ ${min}, not ${raw}`);
    return parsed;
  };
  return {
    shoppers: Math.floor(number('shoppers', 1)),
    seed: Math.floor(number('seed', 0)),
    concurrency: Math.floor(number('concurrency', 1)),
    pace: number('pace', 0),
    url: values.url ?? defaultTrafficOptions.url,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const failed = await runTraffic(parseOptions(process.argv.slice(2)));
  process.exitCode = failed > 0 ? 1 : 0;
}
