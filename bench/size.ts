/**
 * Figure 1, recorder size: what a page downloads to record, minified and compressed. Every peer is built by esbuild
 * the same way as our script tag (bundled, minified, browser IIFE, es2019) from a tiny entry that starts recording;
 * ours is dist/recorder/recorder.js exactly as scripts/build.mjs builds it.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FigureResult, Row } from './report.ts';
import { bundleForBrowser, repoRoot } from './shared.ts';

/** The recorder must stay under this, gzipped (ARCHITECTURE.md, design goal 1). */
export const SIZE_TARGET_BYTES = 30 * 1024;

export interface BundleSize {
  minified: number;
  gzip: number;
  brotli: number;
}

export function measureBytes(code: Uint8Array): BundleSize {
  return {
    minified: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const sumSizes = (parts: BundleSize[]): BundleSize => ({
  minified: parts.reduce((sum, part) => sum + part.minified, 0),
  gzip: parts.reduce((sum, part) => sum + part.gzip, 0),
  brotli: parts.reduce((sum, part) => sum + part.brotli, 0),
});

/** Each contender's entry: the least code that starts its recorder with its defaults. */
const ENTRIES = {
  rrwebRecord: `import { record } from '@rrweb/record';
    const events = []; record({ emit: (event) => events.push(event) });`,
  rrweb: `import { record } from 'rrweb';
    const events = []; record({ emit: (event) => events.push(event) });`,
  posthogCore: `import posthog from 'posthog-js';
    posthog.init('phc_bench', { api_host: 'https://posthog.example.test', disable_session_recording: false });`,
  sentry: `import * as Sentry from '@sentry/browser';
    Sentry.init({ dsn: 'https://key@o1.ingest.example.test/1', integrations: [Sentry.replayIntegration()],
      replaysSessionSampleRate: 1 });`,
};

/**
 * posthog-js fetches its recorder after start-up: SessionRecording loads the script named 'lazy-recorder' (unless
 * remote config names another) from its CDN, which serves dist/lazy-recorder.js. The package ships it prebuilt
 * only (its rrweb fork is bundled in, not installed), so we re-minify that file the same way rather than build it.
 */
const POSTHOG_LAZY_RECORDER = 'node_modules/posthog-js/dist/lazy-recorder.js';

/**
 * Where our own bytes go: the script tag rebuilt as scripts/build.mjs builds it, with esbuild's metafile, so a
 * miss of the size target names the modules to trim. Returns minified bytes per module of ours, largest first.
 */
async function ownModules(): Promise<Array<[string, number]>> {
  const result = await build({
    entryPoints: [join(repoRoot, 'recorder/script-tag.ts')],
    absWorkingDir: repoRoot,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020', // as scripts/build.mjs
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const inputs = Object.values(result.metafile.outputs)[0]!.inputs;
  return Object.entries(inputs)
    .filter(([path]) => !path.includes('node_modules'))
    .map(([path, input]): [string, number] => [path, input.bytesInOutput])
    .sort((a, b) => b[1] - a[1]);
}

export async function runSize(): Promise<FigureResult> {
  const ours = measureBytes(readFileSync(join(repoRoot, 'dist/recorder/recorder.js')));
  // The developer capture (console, network): a second file that a page with the default options (console on) loads too.
  const capture = measureBytes(readFileSync(join(repoRoot, 'dist/recorder/capture.mjs')));
  const withCapture = sumSizes([ours, capture]);
  const rrwebRecord = measureBytes(await bundleForBrowser(ENTRIES.rrwebRecord));
  const rrweb = measureBytes(await bundleForBrowser(ENTRIES.rrweb));
  const posthogCore = measureBytes(await bundleForBrowser(ENTRIES.posthogCore));
  const posthogRecorder = measureBytes(await bundleForBrowser(readFileSync(join(repoRoot, POSTHOG_LAZY_RECORDER), 'utf8')));
  const posthog = sumSizes([posthogCore, posthogRecorder]);
  const sentry = measureBytes(await bundleForBrowser(ENTRIES.sentry));

  const gz = (value: number) => ({ value, unit: 'bytes' as const });
  // Peers are measured with what they download to record; so is Sightline: both files, as the defaults load them.
  const versus = (what: string, peer: BundleSize): Row => ({
    figure: '1 size',
    what: 'Sightline (both files) vs peer, gzip -9',
    measured: gz(withCapture.gzip),
    baseline: { what, measured: gz(peer.gzip) },
    target: { on: 'ratio', op: '<', limit: 1 },
  });
  const rows: Row[] = [
    {
      figure: '1 size',
      what: 'Sightline recorder.js, gzip -9',
      measured: gz(ours.gzip),
      baseline: { what: '@rrweb/record alone', measured: gz(rrwebRecord.gzip) },
      target: { on: 'value', op: '<', limit: SIZE_TARGET_BYTES },
    },
    {
      figure: '1 size',
      what: 'Sightline capture.mjs (console, network), gzip -9',
      measured: gz(capture.gzip),
      baseline: { what: 'recorder.js', measured: gz(ours.gzip) },
      target: null,
    },
    versus('rrweb record()', rrweb),
    versus('posthog-js core + lazy recorder', posthog),
    versus('@sentry/browser + replayIntegration', sentry),
  ];
  const own = await ownModules();
  const ownTotal = own.reduce((sum, [, bytes]) => sum + bytes, 0);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const line = (name: string, size: BundleSize) =>
    `${name}: ${kb(size.minified)} minified, ${kb(size.gzip)} gzip -9, ${kb(size.brotli)} brotli`;
  return {
    rows,
    notes: [
      line('Sightline recorder.js', ours),
      `${line('Sightline capture.mjs', capture)}; fetched when console or captureNetwork is on (console is by default)`,
      line('@rrweb/record record()', rrwebRecord),
      line('rrweb record()', rrweb),
      `${line('posthog-js core + lazy recorder', posthog)} (core ${kb(posthogCore.gzip)} + recorder ${kb(posthogRecorder.gzip)} gzip)`,
      line('@sentry/browser + replayIntegration()', sentry),
      `Sightline's own code is ${kb(ownTotal)} of the ${kb(ours.minified)} minified; largest: ` +
        own.slice(0, 4).map(([path, bytes]) => `${path} ${kb(bytes)}`).join(', '),
    ],
    details: { ownModules: Object.fromEntries(own), ours, capture, withCapture, rrwebRecord, rrweb, posthogCore, posthogRecorder, posthog, sentry },
  };
}
