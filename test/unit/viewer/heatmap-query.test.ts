import { describe, expect, test } from 'vitest';
import {
  deviceScopeLabel,
  heatmapFiltersFromQuery,
  heatmapFiltersToQuery,
  heatmapScopeOf,
  heatmapsHref,
  timeRangeOf,
} from '../../../viewer/src/lib/heatmap-query.ts';
import { pauseOffset, canRebuild } from '../../../viewer/src/lib/heatmap-snapshot.ts';

describe('viewer | heatmap filters in the hash query', () => {
  test('defaults to the clicks of every device on the most clicked page', () => {
    const filters = heatmapFiltersFromQuery(new URLSearchParams());
    expect(filters).toEqual({ page: '', view: 'click', device: '', from: '', to: '' });
    expect(heatmapsHref(filters)).toBe('#/heatmaps');
    // Every device: the API is asked without a device, and the page says so.
    expect(heatmapScopeOf(filters)).toEqual({});
    expect(deviceScopeLabel(filters.device)).toBe('all devices');
  });

  test('asks the API for the device chosen and names it', () => {
    const filters = heatmapFiltersFromQuery(new URLSearchParams('device=mobile&from=2024-06-01'));
    expect(heatmapScopeOf(filters)).toEqual({ device: 'mobile', from: new Date(2024, 5, 1).getTime() });
    expect(deviceScopeLabel(filters.device)).toBe('mobile');
    expect(heatmapsHref({ ...filters, device: 'desktop', from: '' })).toBe('#/heatmaps?device=desktop');
  });

  test('round-trips every filter', () => {
    const filters = { page: '/product/:id', view: 'scroll', device: 'mobile', from: '2024-06-01', to: '2024-06-30' } as const;
    const query = heatmapFiltersToQuery(filters);
    expect(query.toString()).toBe('page=%2Fproduct%2F%3Aid&kind=scroll&device=mobile&from=2024-06-01&to=2024-06-30');
    expect(heatmapFiltersFromQuery(query)).toEqual(filters);
  });

  test.each([
    { query: 'kind=error', key: 'view', expected: 'click' },
    { query: 'device=watch', key: 'device', expected: '' },
    { query: 'from=yesterday', key: 'from', expected: '' },
  ])('ignores an unknown value: $query', ({ query, key, expected }) => {
    expect(heatmapFiltersFromQuery(new URLSearchParams(query))[key as 'view']).toBe(expected);
  });

  test('turns days into a local-time range whose end covers the whole last day', () => {
    expect(timeRangeOf({ from: '', to: '' })).toEqual({});
    expect(timeRangeOf({ from: '2024-06-01', to: '2024-06-02' })).toEqual({
      from: new Date(2024, 5, 1).getTime(),
      to: new Date(2024, 5, 3).getTime() - 1,
    });
  });
});

describe('viewer | heatmap snapshot timing', () => {
  const events = [
    { type: 4, data: {}, timestamp: 1000 },
    { type: 2, data: {}, timestamp: 1010 },
    { type: 3, data: {}, timestamp: 9000 },
  ];

  test('shows the page a settle time after its full snapshot, or at the end of a shorter view', () => {
    expect(pauseOffset(events, 1500)).toBe(1510);
    expect(pauseOffset(events.slice(0, 2), 1500)).toBe(10);
    expect(pauseOffset([], 1500)).toBe(0);
  });

  test('needs a full snapshot and two events to rebuild', () => {
    expect(canRebuild(events)).toBe(true);
    expect(canRebuild(events.slice(0, 1))).toBe(false);
    expect(canRebuild([events[0], events[2]])).toBe(false);
  });
});
