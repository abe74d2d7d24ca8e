/**
 * Figure 2, recorder overhead on the page: the mutation storm (bench/pages/mutation-storm.html) and a scripted
 * purchase on the demo store, each run with no recorder, with bare rrweb record() and with Sightline (sending to a
 * real Sightline server). Overhead = renderer CPU time with a recorder / without; the figure is Sightline's overhead
 * over bare rrweb's. Variants take turns within each run so a burst of load on the shared machine hits all three.
 * Where Sightline costs more than rrweb, one more Sightline run goes under Chromium's CPU profiler to show where.
 * During each storm the bench clicks a button every 100 ms: the main thread's long tasks and the delay from each
 * click to the next frame are reported with and without the recorder.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { launchChromium } from '../support/browser.ts';
import {
  buildBareRrweb,
  runWorkload,
  STORM_CLICK_INTERVAL_MS,
  variantContext,
  VARIANTS,
  type StormOptions,
  type Variant,
  type Workload,
} from './overhead-pages.ts';
import { browserLabeller, formatShares, summarizeProfile, type ProfileSummary } from './profile.ts';
import { median, type FigureResult, type Row } from './report.ts';
import { repoRoot, startBenchServer } from './shared.ts';

export interface OverheadOptions {
  /** Timed storms per variant, after one untimed; the median is reported. Defaults to 5. */
  stormRuns: number;
  /** The storm's size. Defaults to 100 rounds of 20 rows: 2,000 rows (14,000 nodes) inserted and removed, ~4,000 attribute and ~2,700 text changes. */
  storm: StormOptions;
  /** Scripted purchases per variant; the median is reported. Defaults to 3. */
  shopperRuns: number;
  /** The shopper's pace (1 is human-ish, 0 as fast as Playwright goes); CPU time hardly depends on it. Defaults to 0.1. */
  shopperPace: number;
  /** Profile one more Sightline run of each workload where Sightline costs more than rrweb. Defaults to true. */
  profile: boolean;
}

export const defaultOverheadOptions: OverheadOptions = {
  stormRuns: 5,
  storm: { rounds: 100, perRound: 20 },
  shopperRuns: 3,
  shopperPace: 0.1,
  profile: true,
};

type Samples = Record<Variant, number[]>;
const emptySamples = (): Samples => ({ none: [], rrweb: [], sightline: [] });
const mediansOf = (samples: Samples) =>
  Object.fromEntries(VARIANTS.map((variant) => [variant, median(samples[variant])])) as Record<Variant, number>;

/** Overhead rows: Sightline's cost over no recorder, against rrweb's; the target is to cost no more than rrweb. */
function overheadRow(workload: string, medians: Record<Variant, number>): Row {
  return {
    figure: '2 overhead',
    what: `${workload}: Sightline / no recorder`,
    measured: { value: medians.sightline / medians.none, unit: 'ratio' },
    baseline: { what: 'bare rrweb / no recorder', measured: { value: medians.rrweb / medians.none, unit: 'ratio' } },
    target: { on: 'ratio', op: '<=', limit: 1 },
  };
}

/** A storm figure with Sightline against the same without any recorder; reported, not targeted. */
function withoutRecorderRow(what: string, medians: Record<Variant, number>): Row {
  return {
    figure: '2 overhead',
    what,
    measured: { value: medians.sightline, unit: 'ms' },
    baseline: { what: 'no recorder', measured: { value: medians.none, unit: 'ms' } },
    target: null,
  };
}

const WORKLOAD_NAMES: Record<Workload, string> = { storm: 'mutation storm', shopper: 'scripted purchase' };

export async function runOverhead(options: OverheadOptions = defaultOverheadOptions): Promise<FigureResult> {
  const bareRrweb = await buildBareRrweb();
  const server = await startBenchServer();
  const browser = await launchChromium();
  const settings = { storm: options.storm, shopperPace: options.shopperPace };
  const run = async (variant: Variant, workload: Workload, profile = false) => {
    const context = await variantContext(browser, server.url, variant, bareRrweb);
    try {
      return await runWorkload(context, server.url, workload, { ...settings, profile });
    } finally {
      await context.close();
    }
  };
  try {
    const cpu = { storm: emptySamples(), shopper: emptySamples() };
    const wall = emptySamples();
    const longTasks = { storm: emptySamples(), shopper: emptySamples() };
    /** Every click's delay to the next frame, over all storm runs of a variant. */
    const clickToFrame = emptySamples();
    const runs: Record<Workload, number> = { storm: options.stormRuns, shopper: options.shopperRuns };
    for (const workload of ['storm', 'shopper'] as const) {
      // Run -1 of the storm warms up the browser's caches and is not counted (the shopper's pages are many).
      for (let index = workload === 'storm' ? -1 : 0; index < runs[workload]; index++) {
        for (const variant of VARIANTS) {
          const cost = await run(variant, workload);
          if (index < 0) continue;
          cpu[workload][variant].push(cost.cpuMs);
          longTasks[workload][variant].push(cost.longTaskMs);
          if (cost.wallMs !== null) wall[variant].push(cost.wallMs);
          clickToFrame[variant].push(...cost.clickToFrameMs);
        }
      }
    }

    const medians = { storm: mediansOf(cpu.storm), shopper: mediansOf(cpu.shopper) };
    const stormLongTasks = mediansOf(longTasks.storm);
    const clickMedians = mediansOf(clickToFrame);
    const rows: Row[] = [
      overheadRow(`${WORKLOAD_NAMES.storm} (${options.storm.rounds}×${options.storm.perRound} rows), renderer CPU`, medians.storm),
      overheadRow(`${WORKLOAD_NAMES.shopper}, renderer CPU`, medians.shopper),
      withoutRecorderRow(`${WORKLOAD_NAMES.storm}: main-thread long tasks with Sightline (median of ${options.stormRuns})`, stormLongTasks),
      withoutRecorderRow(`${WORKLOAD_NAMES.storm}: click to next frame with Sightline (median of ${clickToFrame.sightline.length} clicks)`, clickMedians),
    ];
    const ms = (value: number) => `${Math.round(value)} ms`;
    const perVariant = (format: (variant: Variant) => string) => VARIANTS.map((variant) => `${variant} ${format(variant)}`).join(', ');
    const notes = [
      `Overhead is the page's renderer CPU time (CDP ProcessTime) rather than wall time: on this shared machine ` +
        `wall time mostly measures the other processes.`,
      `Mutation storm, medians of ${options.stormRuns}: CPU ${perVariant((v) => ms(medians.storm[v]))}; in-page wall ` +
        `${perVariant((v) => ms(median(wall[v])))}; long tasks ${perVariant((v) => ms(median(longTasks.storm[v])))}.`,
      `Responsiveness during the storm (a trusted click on a button every ${STORM_CLICK_INTERVAL_MS} ms; from the input's time ` +
        `stamp to the next animation frame): median ${perVariant((v) => ms(clickMedians[v]))}; slowest ` +
        `${perVariant((v) => ms(Math.max(0, ...clickToFrame[v])))}. Long tasks ${perVariant((v) => ms(stormLongTasks[v]))}.`,
      `Scripted purchase (pace ${options.shopperPace}), medians of ${options.shopperRuns}: CPU ` +
        `${perVariant((v) => ms(medians.shopper[v]))}; long tasks ${perVariant((v) => ms(median(longTasks.shopper[v])))}.`,
    ];

    const profiles: Partial<Record<Workload, ProfileSummary>> = {};
    const labeller = browserLabeller(repoRoot, new Map([
      ['/recorder.js', new SourceMap(JSON.parse(readFileSync(join(repoRoot, 'dist/recorder/recorder.js.map'), 'utf8')))],
    ]));
    for (const workload of ['storm', 'shopper'] as const) {
      if (!options.profile || medians[workload].sightline <= medians[workload].rrweb) continue;
      // Sightline's bundle holds rrweb too; its source map tells their time apart, which is the extra over bare rrweb.
      const profile = summarizeProfile((await run('sightline', workload, true)).profile!, labeller);
      profiles[workload] = profile;
      const rrwebMs = profile.byFile.filter((file) => file.name.startsWith('@rrweb/')).reduce((sum, file) => sum + file.ms, 0);
      const extra = medians[workload].sightline - medians[workload].rrweb;
      notes.push(
        `${WORKLOAD_NAMES[workload]}, Sightline ${ms(extra)} of CPU above bare rrweb; one more Sightline run under Chromium's ` +
          `profiler: rrweb's code ${ms(rrwebMs)} of self time, Sightline's own ${ms(profile.ownSelfShare * profile.totalMs)}. ` +
          `Self time by file: ${formatShares(profile.byFile.slice(0, 8), 'ms')}`,
        `  Sightline's own functions, callees included: ${formatShares(profile.ownInclusive.slice(0, 6), 'ms')}`,
      );
    }
    return { rows, notes, details: { cpu, wall, longTasks, clickToFrame, options, profiles } };
  } finally {
    await browser.close();
    await server.close();
  }
}
