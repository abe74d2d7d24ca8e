import { describe, expect, test } from 'vitest';
import { detectErrorClicks } from '../../../server/analytics/error-clicks.ts';
import { resolveThresholds } from '../../../server/analytics/thresholds.ts';
import { T0, slClick, slError } from './factories.ts';

describe('analytics | error clicks', () => {
  test.each([
    { at: -1, errorClick: false },
    { at: 0, errorClick: true },
    { at: 999, errorClick: true },
    { at: 1000, errorClick: true },
    { at: 1001, errorClick: false },
  ])('an sl:error $at ms after the click → error click: $errorClick', ({ at, errorClick }) => {
    expect(detectErrorClicks([slClick(0), slError(at)])).toHaveLength(errorClick ? 1 : 0);
  });

  test('the finding names the click and the error', () => {
    const events = [
      slClick(0, { selector: '#pay', label: '"Pay" button', x: 40, y: 900 }),
      slError(250, 'ReferenceError: stripe is not defined'),
    ];
    expect(detectErrorClicks(events)).toEqual([
      {
        selector: '#pay',
        tag: 'button',
        label: '"Pay" button',
        ts: T0,
        x: 40,
        y: 900,
        errorTs: T0 + 250,
        message: 'ReferenceError: stripe is not defined',
        errorCount: 1,
      },
    ]);
  });

  test('an error is blamed on the latest click before it, not on every click of a burst', () => {
    const found = detectErrorClicks([slClick(0), slClick(200), slClick(400, { selector: '#retry' }), slError(600)]);
    expect(found.map(({ ts, selector }) => ({ at: ts - T0, selector }))).toEqual([{ at: 400, selector: '#retry' }]);
  });

  test('several errors after one click make one finding that counts them', () => {
    const found = detectErrorClicks([slClick(0), slError(100, 'first'), slError(150, 'second'), slError(5000, 'later')]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ message: 'first', errorCount: 2 });
  });

  test('errors with no click before them, or too long after it, are not error clicks', () => {
    expect(detectErrorClicks([slError(0), slClick(100), slError(3000)])).toEqual([]);
  });

  test('an error past the latest click window is not blamed on an older click', () => {
    // The click at 1500 is latest before the error at 2700 but 1200 ms away; the click at 0 is older still.
    expect(detectErrorClicks([slClick(0), slClick(1500, { selector: '#next' }), slError(2700)])).toEqual([]);
  });

  test('the window follows errorClickWindowMs', () => {
    const events = [slClick(0), slError(1800)];
    expect(detectErrorClicks(events)).toEqual([]);
    expect(detectErrorClicks(events, resolveThresholds({ errorClickWindowMs: 2000 }))).toHaveLength(1);
  });
});
