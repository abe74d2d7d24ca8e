import { describe, expect, test, vi } from 'vitest';
import type { RecordedEvent } from '../../../contract/protocol.ts';
import { guardBeforeSend } from '../../../recorder/before-send.ts';

const event = (): RecordedEvent => ({ type: 5, data: { tag: 'sl:track', payload: { name: 'x', props: {} } }, timestamp: 1 });

describe('recorder | beforeSend', () => {
  test('without a hook every event is kept as it is', () => {
    const original = event();
    expect(guardBeforeSend(undefined, vi.fn())(original)).toBe(original);
  });

  test('the hook may change an event, replace it or drop it with null', () => {
    const report = vi.fn();
    const replacement = { ...event(), timestamp: 2 };
    const changed = guardBeforeSend((e) => ({ ...e, data: 'redacted' }), report)(event());
    expect(changed).toMatchObject({ data: 'redacted' });
    expect(guardBeforeSend(() => replacement, report)(event())).toBe(replacement);
    expect(guardBeforeSend(() => null, report)(event())).toBeNull();
    expect(report).not.toHaveBeenCalled();
  });

  test.each<[string, () => unknown]>([
    ['throws', () => { throw new Error('hook bug'); }],
    ['returns nothing', () => undefined],
    ['returns something that is no event', () => ({ type: 'x' })],
  ])('a hook that %s drops the event and reports before_send_failed, and the next event is judged afresh', (_name, hook) => {
    const report = vi.fn();
    let calls = 0;
    const guarded = guardBeforeSend((e) => (++calls === 1 ? (hook() as RecordedEvent) : e), report);
    expect(guarded(event())).toBeNull();
    expect(report.mock.calls[0][0]).toMatchObject({ code: 'before_send_failed' });
    expect(guarded(event())).toMatchObject({ type: 5 });
  });
});
