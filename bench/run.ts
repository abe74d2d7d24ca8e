/**
 * `npm run bench`: the seven figures of the benchmark, each against a baseline measured in the same run, printed as
 * one table (figure, value, baseline, ratio, target, met?) and written to bench/results.json with the machine and
 * date. `npm run bench -- --only size,ingest` runs some of them.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBytes } from './bytes.ts';
import { runFidelity } from './fidelity.ts';
import { runIngest } from './ingest.ts';
import { runOverhead } from './overhead.ts';
import { runQueries } from './queries.ts';
import { runReplayStart } from './replay-start.ts';
import { evaluate, formatTable, type EvaluatedRow, type FigureResult } from './report.ts';
import { repoRoot } from './shared.ts';
import { runSize } from './size.ts';

/** In the order they run: the heatmap data (half a gigabyte) is built last, after the timing-sensitive figures. */
const FIGURES: Record<string, () => Promise<FigureResult>> = {
  size: runSize,
  overhead: () => runOverhead(),
  bytes: () => runBytes(),
  ingest: () => runIngest(),
  replay: () => runReplayStart(),
  fidelity: () => runFidelity(),
  queries: () => runQueries(),
};

interface FigureOutcome {
  durationMs: number;
  rows: EvaluatedRow[];
  notes: string[];
  details: Record<string, unknown>;
  error?: string;
}

function machine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

function chooseFigures(argv: string[]): string[] {
  const { values } = parseArgs({ args: argv, options: { only: { type: 'string' } } });
  if (!values.only) return Object.keys(FIGURES);
  const chosen = values.only.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = chosen.filter((name) => !(name in FIGURES));
  if (unknown.length > 0) throw new Error(`Unknown figure ${unknown.join(', ')}; choose from ${Object.keys(FIGURES).join(', ')}`);
  return chosen;
}

async function main(): Promise<number> {
  const names = chooseFigures(process.argv.slice(2));
  const started = performance.now();
  const date = new Date().toISOString();
  const loadBefore = loadavg();
  // The recorder and the viewer are measured as built; build them if their sources changed.
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: repoRoot, stdio: 'inherit' });
  const outcomes: Record<string, FigureOutcome> = {};
  for (const name of names) {
    const figureStarted = performance.now();
    console.log(`▶ ${name}…`);
    try {
      const result = await FIGURES[name]!();
      outcomes[name] = { durationMs: performance.now() - figureStarted, ...result, rows: result.rows.map(evaluate) };
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      outcomes[name] = { durationMs: performance.now() - figureStarted, rows: [], notes: [], details: {}, error: message };
      console.error(`✖ ${name} failed: ${message}`);
    }
    console.log(`  ${name} took ${((performance.now() - figureStarted) / 1000).toFixed(0)} s`);
  }

  // By figure number, whatever order they ran in.
  const rows = Object.values(outcomes).flatMap((outcome) => outcome.rows).sort((a, b) => a.figure.localeCompare(b.figure));
  const durationMs = performance.now() - started;
  const withTarget = rows.filter((row) => row.met !== null);
  const failed = Object.entries(outcomes).filter(([, outcome]) => outcome.error);
  const about = machine();
  console.log(`\nSightline benchmark, ${date.slice(0, 10)}, ${about.cpu} × ${about.cores}, ${about.memoryGiB} GiB, Node ${about.node}; ` +
    `load average ${loadBefore[0]!.toFixed(1)} at the start; ${(durationMs / 1000).toFixed(0)} s in all.\n`);
  console.log(formatTable(rows));
  console.log(`\n${withTarget.filter((row) => row.met).length} of ${withTarget.length} targets met.` +
    (failed.length > 0 ? ` Failed: ${failed.map(([name]) => name).join(', ')}.` : ''));
  console.log('\nNotes:');
  for (const outcome of Object.values(outcomes)) for (const note of outcome.notes) console.log(`- ${note}`);

  const results = { date, machine: { ...about, loadAverage: { start: loadBefore, end: loadavg() } }, durationMs, figures: outcomes };
  writeFileSync(join(repoRoot, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nWritten to bench/results.json.');
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main();
