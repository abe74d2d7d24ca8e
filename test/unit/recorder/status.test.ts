import { describe, expect, test, vi } from 'vitest';
import { createStatusReporter } from '../../../recorder/status.ts';

describe('recorder | status and the debug line', () => {
  test('onStatus hears each change once, with whether it records', () => {
    const onStatus = vi.fn();
    const status = createStatusReporter({ onStatus, debug: false }, vi.fn(), vi.fn());
    status('consent_pending');
    status('consent_pending');
    status('recording');
    expect(onStatus.mock.calls).toEqual([
      [{ recording: false, reason: 'consent_pending' }],
      [{ recording: true, reason: 'recording' }],
    ]);
  });

  test.each([
    ['consent_pending', '[sightline] not recording: consent_pending'],
    ['global_privacy_control', '[sightline] not recording: global_privacy_control'],
    ['do_not_track', '[sightline] not recording: do_not_track'],
    ['not_sampled', '[sightline] not recording: not_sampled'],
    ['recording', '[sightline] recording'],
  ] as const)('debug: true prints one line for %s', (reason, line) => {
    const print = vi.fn();
    createStatusReporter({ debug: true }, vi.fn(), print)(reason);
    expect(print.mock.calls).toEqual([[line]]);
  });

  test('without debug nothing is printed; a throwing onStatus is reported, not thrown', () => {
    const print = vi.fn();
    const report = vi.fn();
    const status = createStatusReporter({ debug: false, onStatus: () => { throw new Error('store bug'); } }, report, print);
    expect(() => status('stopped')).not.toThrow();
    expect(print).not.toHaveBeenCalled();
    expect(report).toHaveBeenCalledTimes(1);
  });
});
