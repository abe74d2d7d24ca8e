import { describe, expect, test } from 'vitest';
import { defaultThresholds, resolveThresholds } from '../../../server/analytics/thresholds.ts';

describe('analytics | thresholds', () => {
  test('defaults are the documented ones', () => {
    expect(defaultThresholds).toEqual({
      rageClickMinCount: 3,
      rageClickWindowMs: 1000,
      rageClickRadiusPx: 30,
      multiClickGapMs: 500,
      deadClickWindowMs: 1000,
      deadClickPressLeadMs: 300,
      errorClickWindowMs: 1000,
    });
    expect(Object.isFrozen(defaultThresholds)).toBe(true);
  });

  test('overrides replace defaults; missing, negative or non-finite values keep them', () => {
    const resolved = resolveThresholds({
      rageClickRadiusPx: 40,
      deadClickWindowMs: -1,
      errorClickWindowMs: Number.NaN,
      rageClickWindowMs: undefined,
    });
    expect(resolved).toEqual({ ...defaultThresholds, rageClickRadiusPx: 40 });
    expect(resolveThresholds()).toEqual(defaultThresholds);
  });
});
