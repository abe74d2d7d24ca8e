import { describe, expect, test } from 'vitest';
import { aggregateHeatmap } from '../../../server/analytics/heatmap-grid.ts';
import {
  DATE_LIMIT_DAYS,
  dayLabel,
  dayOf,
  elementCell,
  monthStart,
  nameableDay,
  pageCell,
  splitDayRange,
  type CellRow,
} from '../../../contract/buckets.ts';

describe('analytics | heatmap buckets', () => {
  test.each([
    { ox: 0, oy: 0, expected: { cx: 0, cy: 0 } },
    { ox: 0.049, oy: 0.05, expected: { cx: 0, cy: 1 } },
    { ox: 0.5, oy: 0.999, expected: { cx: 10, cy: 19 } },
    // The recorder clamps offsets to 0..1; 1 is the box's far edge and belongs to the last bucket.
    { ox: 1, oy: 1, expected: { cx: 19, cy: 19 } },
    { ox: -0.2, oy: 1.7, expected: { cx: 0, cy: 19 } },
    { ox: Number.NaN, oy: 0.5, expected: { cx: 0, cy: 10 } },
  ])('puts offset ($ox, $oy) in element bucket $expected.cx,$expected.cy', ({ ox, oy, expected }) => {
    expect(elementCell(ox, oy)).toEqual(expected);
  });

  test.each([
    { x: 0, y: 0, expected: { cx: 0, cy: 0 } },
    { x: 19.9, y: 20, expected: { cx: 0, cy: 1 } },
    { x: 1279, y: 2999, expected: { cx: 63, cy: 149 } },
    { x: -5, y: -40, expected: { cx: 0, cy: 0 } },
  ])('puts page position ($x, $y) in page bucket $expected.cx,$expected.cy', ({ x, y, expected }) => {
    expect(pageCell(x, y)).toEqual(expected);
  });

  test('numbers days in UTC', () => {
    const midnight = Date.UTC(2024, 4, 1);
    expect(dayOf(midnight) - dayOf(midnight - 1)).toBe(1);
    expect(dayOf(midnight + 86_399_999)).toBe(dayOf(midnight));
    expect(dayLabel(dayOf(midnight + 5000))).toBe('2024-05-01');
  });
});

describe('analytics | aggregateHeatmap', () => {
  const element = (selector: string, cx: number, cy: number, count: number): CellRow => ({
    selector,
    anchor: 'element',
    documentWidth: 0,
    cx,
    cy,
    count,
  });
  const page = (selector: string, documentWidth: number, cx: number, cy: number, count: number): CellRow => ({
    selector,
    anchor: 'page',
    documentWidth,
    cx,
    cy,
    count,
  });

  const rows: CellRow[] = [
    element('#buy', 10, 10, 3),
    element('#buy', 2, 5, 1),
    page('#buy', 1280, 5, 10, 3),
    page('#buy', 1440, 6, 10, 1),
    element('#promo', 0, 0, 2),
    page('#promo', 1280, 1, 1, 2),
    element('#logo', 4, 4, 2),
    page('#logo', 1280, 0, 0, 2),
    // Moves: page buckets only, selector ''.
    page('', 1280, 9, 9, 1),
    // A bucket a recomputed signal emptied.
    element('#gone', 1, 1, 0),
    page('#gone', 1280, 1, 1, 0),
  ];

  test('counts each point once (from its page buckets) and ranks elements by count, ties by selector', () => {
    const map = aggregateHeatmap(rows, 10);
    expect(map.total).toBe(9);
    expect(map.elements.map((e) => [e.selector, e.count, e.share])).toEqual([
      ['#buy', 4, 4 / 9],
      ['#logo', 2, 2 / 9],
      ['#promo', 2, 2 / 9],
      ['', 1, 1 / 9],
    ]);
    expect({ otherElements: map.otherElements, otherCount: map.otherCount }).toEqual({ otherElements: 0, otherCount: 0 });
  });

  test('keeps an element its offset buckets and its page buckets with their document widths, in reading order', () => {
    const buy = aggregateHeatmap(rows, 10).elements[0];
    expect(buy.cells).toEqual([
      { cx: 2, cy: 5, count: 1 },
      { cx: 10, cy: 10, count: 3 },
    ]);
    expect(buy.pageCells).toEqual([
      { documentWidth: 1280, cx: 5, cy: 10, count: 3 },
      { documentWidth: 1440, cx: 6, cy: 10, count: 1 },
    ]);
  });

  test('leaves elements past the limit out but says how many points they had', () => {
    const map = aggregateHeatmap(rows, 2);
    expect(map.elements.map((e) => e.selector)).toEqual(['#buy', '#logo']);
    expect({ total: map.total, otherElements: map.otherElements, otherCount: map.otherCount }).toEqual({
      total: 9,
      otherElements: 2,
      otherCount: 3,
    });
  });

  test('answers an empty map for no rows', () => {
    expect(aggregateHeatmap([], 5)).toEqual({ total: 0, elements: [], otherElements: 0, otherCount: 0 });
  });
});

describe('analytics | splitDayRange', () => {
  const day = (iso: string) => dayOf(Date.parse(`${iso}T00:00:00Z`));
  const label = (range: [number, number]) => range.map(dayLabel).join('..');
  const spans = (from: string, to: string) => {
    const { months, days } = splitDayRange(day(from), day(to));
    return { months: months && label(months), days: days.map(label) };
  };

  test.each([
    { from: '2024-03-05', to: '2024-03-20', months: null, days: ['2024-03-05..2024-03-20'] },
    { from: '2024-03-01', to: '2024-03-31', months: '2024-03-01..2024-03-01', days: [] },
    { from: '2024-03-01', to: '2024-03-30', months: null, days: ['2024-03-01..2024-03-30'] },
    { from: '2024-02-10', to: '2024-05-03', months: '2024-03-01..2024-04-01', days: ['2024-02-10..2024-02-29', '2024-05-01..2024-05-03'] },
    { from: '2023-12-31', to: '2024-02-29', months: '2024-01-01..2024-02-01', days: ['2023-12-31..2023-12-31'] },
    { from: '2024-01-31', to: '2024-02-01', months: null, days: ['2024-01-31..2024-02-01'] },
  ])('reads $from..$to as months $months and days $days', ({ from, to, months, days }) => {
    expect(spans(from, to)).toEqual({ months, days });
  });

  test('covers every day exactly once', () => {
    const from = day('2023-11-17');
    const to = day('2024-04-09');
    const { months, days } = splitDayRange(from, to);
    const covered: number[] = days.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
    for (let month = months![0]; month <= months![1]; month = monthStart(month, 1)) {
      for (let d = month; d < monthStart(month, 1); d++) covered.push(d);
    }
    expect(covered.sort((a, b) => a - b)).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
  });

  test('answers nothing for an empty range', () => {
    expect(splitDayRange(10, 9)).toEqual({ months: null, days: [] });
  });
});

describe('analytics | day arithmetic is total', () => {
  // A Date names ±8.64e15 ms; a stored time past that (8.7e15 was accepted once) must still get a label and a month.
  test.each([
    { day: dayOf(Date.UTC(2024, 4, 1)), label: '2024-05-01' },
    { day: dayOf(Date.UTC(9999, 11, 31)) + 1, label: '+010000-01-01' },
    { day: dayOf(8.64e15), label: '+275760-09-13' },
    { day: dayOf(8.7e15), label: '+275760-09-13' },
    { day: dayOf(Number.MAX_SAFE_INTEGER), label: '+275760-09-13' },
    { day: dayOf(-8.7e15), label: '-271821-04-20' },
    { day: 1e300, label: '+275760-09-13' },
    { day: 0.5, label: '1970-01-01' },
    { day: Number.NaN, label: '1970-01-01' },
    { day: Number.POSITIVE_INFINITY, label: '1970-01-01' },
  ])('day $day is labelled $label and has a month', ({ day, label }) => {
    expect(dayLabel(day)).toBe(label);
    for (const offset of [0, 1] as const) expect(Number.isInteger(monthStart(day, offset))).toBe(true);
    expect(nameableDay(day)).toSatisfy((named: number) => Math.abs(named) <= DATE_LIMIT_DAYS);
  });
});
