import { describe, expect, test } from 'vitest';
import { COALESCED_THAW_BUDGET_MS, MIN_MUTATION_COALESCE_MS, MUTATION_COALESCE_MS } from '../../../recorder/constants.ts';
import { nextCoalesceWindow } from '../../../recorder/recording.ts';

describe('recorder | mutation coalescing window', () => {
  test.each([
    ['a thaw within budget doubles the window', 20, COALESCED_THAW_BUDGET_MS, 40],
    ['never past the longest window', 80, 1, MUTATION_COALESCE_MS],
    ['a thaw twice the budget halves it', 100, COALESCED_THAW_BUDGET_MS * 2, 50],
    ['a thaw ten times the budget takes a tenth', 100, COALESCED_THAW_BUDGET_MS * 10, 10],
    ['never under the shortest window', 20, 1_000, MIN_MUTATION_COALESCE_MS],
  ])('%s', (_case, windowMs, thawMs, next) => {
    expect(nextCoalesceWindow(windowMs, thawMs)).toBe(next);
  });
});
