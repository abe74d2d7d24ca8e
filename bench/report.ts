/**
 * The benchmark's results as data, and the one table they print as: each row a figure, its baseline measured in the
 * same run, the ratio between them, the target and whether it is met. Pure: no I/O, so the runner and the tests share it.
 */

/** How a number is shown: sizes in KB (1024 bytes), times in ms, rates per second, plain ratios with ×, shares in %. */
export type Unit = 'bytes' | 'ms' | 'ratio' | 'count' | 'per_s' | 'bytes_per_s' | 'bytes_per_min' | 'percent';

export interface Quantity {
  value: number;
  unit: Unit;
}

/** A limit on a row's value or on its ratio to the baseline; `op` reads "value op limit". */
export interface Target {
  on: 'value' | 'ratio';
  op: '<' | '<=' | '>=';
  limit: number;
}

export interface Row {
  /** Which figure, e.g. "1 size". */
  figure: string;
  /** What was measured, e.g. "Sightline recorder, gzip -9". */
  what: string;
  measured: Quantity;
  /** What the row is compared with, measured in the same run; null for rows that stand alone. */
  baseline: { what: string; measured: Quantity } | null;
  target: Target | null;
}

export interface EvaluatedRow extends Row {
  /** measured / baseline, or null without a baseline (or a zero one). */
  ratio: number | null;
  /** Whether the target holds; null without a target, or when it is on a ratio that could not be computed. */
  met: boolean | null;
}

/** Rows and free-text findings of one figure, as a figure module returns them. */
export interface FigureResult {
  rows: Row[];
  /** Lines for the notes under the table: how it was measured, what explains a miss. */
  notes: string[];
  /** Everything else worth keeping in results.json (raw samples, per-run numbers). */
  details: Record<string, unknown>;
}

export function ratioOf(row: Row): number | null {
  if (!row.baseline || row.baseline.measured.value === 0) return null;
  return row.measured.value / row.baseline.measured.value;
}

export function isMet(target: Target, value: number | null): boolean | null {
  if (value === null || !Number.isFinite(value)) return null;
  if (target.op === '<') return value < target.limit;
  if (target.op === '<=') return value <= target.limit;
  return value >= target.limit;
}

export function evaluate(row: Row): EvaluatedRow {
  const ratio = ratioOf(row);
  const met = row.target ? isMet(row.target, row.target.on === 'ratio' ? ratio : row.measured.value) : null;
  return { ...row, ratio, met };
}

const KB = 1024;
const MB = 1024 * 1024;

export function formatQuantity({ value, unit }: Quantity): string {
  switch (unit) {
    case 'bytes':
      return value >= MB ? `${(value / MB).toFixed(2)} MB` : `${(value / KB).toFixed(1)} KB`;
    case 'ms':
      return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
    case 'ratio':
      return `${value.toFixed(2)}×`;
    case 'count':
      return Math.round(value).toLocaleString('en');
    case 'per_s':
      return `${Math.round(value).toLocaleString('en')}/s`;
    case 'bytes_per_s':
      return `${(value / MB).toFixed(1)} MB/s`;
    case 'bytes_per_min':
      return `${(value / KB).toFixed(1)} KB/min`;
    case 'percent':
      return `${value.toFixed(2)} %`;
  }
}

export function formatTarget(target: Target, unit: Unit): string {
  const op = target.op === '<=' ? '≤' : target.op === '>=' ? '≥' : '<';
  if (target.on === 'ratio') return `ratio ${op} ${target.limit.toFixed(2)}`;
  return `${op} ${formatQuantity({ value: target.limit, unit })}`;
}

const metText = (met: boolean | null) => (met === null ? '–' : met ? 'yes' : '**no**');

/** The table as Markdown: readable in a terminal and pasted as it is into docs/benchmark.md. */
export function formatTable(rows: readonly EvaluatedRow[]): string {
  const header = ['figure', 'measured', 'value', 'baseline', 'ratio', 'target', 'met?'];
  const lines = rows.map((row) => [
    row.figure,
    row.what,
    formatQuantity(row.measured),
    row.baseline ? `${row.baseline.what}: ${formatQuantity(row.baseline.measured)}` : '–',
    row.ratio === null ? '–' : `${row.ratio.toFixed(2)}×`,
    row.target ? formatTarget(row.target, row.measured.unit) : '–',
    metText(row.met),
  ]);
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}

/** The middle value of the samples (the upper one of the two middles for an even count); NaN for none. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
