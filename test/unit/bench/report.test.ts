import { describe, expect, test } from 'vitest';
import { evaluate, formatQuantity, formatTable, isMet, median, type Row } from '../../../bench/report.ts';

const sizeRow = (ours: number, peer: number): Row => ({
  figure: '1 size',
  what: 'Sightline vs peer',
  measured: { value: ours, unit: 'bytes' },
  baseline: { what: 'peer', measured: { value: peer, unit: 'bytes' } },
  target: { on: 'ratio', op: '<', limit: 1 },
});

describe('bench | report rows', () => {
  test.each([
    { op: '<' as const, value: 29, limit: 30, met: true },
    { op: '<' as const, value: 30, limit: 30, met: false },
    { op: '<=' as const, value: 1, limit: 1, met: true },
    { op: '<=' as const, value: 1.01, limit: 1, met: false },
    { op: '>=' as const, value: 0.7, limit: 0.7, met: true },
    { op: '>=' as const, value: 0.69, limit: 0.7, met: false },
  ])('$value $op $limit is met: $met', ({ op, value, limit, met }) => {
    expect(isMet({ on: 'value', op, limit }, value)).toBe(met);
  });

  test('a target on a ratio that cannot be computed is neither met nor missed', () => {
    expect(isMet({ on: 'ratio', op: '<', limit: 1 }, null)).toBeNull();
    expect(evaluate(sizeRow(100, 0))).toMatchObject({ ratio: null, met: null });
  });

  test('the ratio is the measured value over the baseline, and the target reads it', () => {
    expect(evaluate(sizeRow(30, 60))).toMatchObject({ ratio: 0.5, met: true });
    expect(evaluate(sizeRow(90, 60))).toMatchObject({ ratio: 1.5, met: false });
  });

  test('a target on the value ignores the baseline', () => {
    const row: Row = { ...sizeRow(31 * 1024, 10 * 1024), target: { on: 'value', op: '<', limit: 30 * 1024 } };
    expect(evaluate(row)).toMatchObject({ ratio: 3.1, met: false });
  });

  test('a row without a target has no verdict', () => {
    expect(evaluate({ ...sizeRow(1, 2), target: null }).met).toBeNull();
  });
});

describe('bench | table', () => {
  test.each([
    { quantity: { value: 30 * 1024, unit: 'bytes' as const }, text: '30.0 KB' },
    { quantity: { value: 3 * 1024 * 1024, unit: 'bytes' as const }, text: '3.00 MB' },
    { quantity: { value: 172.4, unit: 'ms' as const }, text: '172 ms' },
    { quantity: { value: 4.25, unit: 'ms' as const }, text: '4.3 ms' },
    { quantity: { value: 1500, unit: 'ms' as const }, text: '1.50 s' },
    { quantity: { value: 1234.4, unit: 'per_s' as const }, text: '1,234/s' },
    { quantity: { value: 2.5 * 1024 * 1024, unit: 'bytes_per_s' as const }, text: '2.5 MB/s' },
    { quantity: { value: 55.5 * 1024, unit: 'bytes_per_min' as const }, text: '55.5 KB/min' },
    { quantity: { value: 99.972, unit: 'percent' as const }, text: '99.97 %' },
    { quantity: { value: 1.234, unit: 'ratio' as const }, text: '1.23×' },
    { quantity: { value: 0, unit: 'count' as const }, text: '0' },
  ])('shows $quantity.value $quantity.unit as $text', ({ quantity, text }) => {
    expect(formatQuantity(quantity)).toBe(text);
  });

  test('prints one Markdown row per figure with baseline, ratio, target and verdict', () => {
    const table = formatTable([
      evaluate(sizeRow(30 * 1024, 60 * 1024)),
      evaluate({ ...sizeRow(2, 1), what: 'a | b', baseline: null, target: { on: 'value', op: '<=', limit: 1 } }),
    ]);
    expect(table.split('\n')).toEqual([
      '| figure | measured | value | baseline | ratio | target | met? |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| 1 size | Sightline vs peer | 30.0 KB | peer: 60.0 KB | 0.50× | ratio < 1.00 | yes |',
      '| 1 size | a \\| b | 0.0 KB | – | – | ≤ 0.0 KB | **no** |',
    ]);
  });

  test('median takes the middle sample, the upper middle for an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([])).toBeNaN();
  });
});
