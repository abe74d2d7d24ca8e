import { describe, expect, test, vi } from 'vitest';
import type { Recorder } from '../../../recorder/client.ts';
import { createConsentClient, privacySignal, type ConsentConfig } from '../../../recorder/consent.ts';

function fakeRecorder(): Recorder {
  return {
    track: vi.fn(),
    identify: vi.fn(),
    flush: vi.fn(() => Promise.resolve()),
    stop: vi.fn(),
    getSessionId: () => 'session-1',
    discard: vi.fn(),
  };
}

function setup(config: Partial<ConsentConfig>, nav: Partial<Navigator> & { globalPrivacyControl?: boolean } = {}) {
  const recorders: Recorder[] = [];
  const deps = {
    start: vi.fn(() => {
      const recorder = fakeRecorder();
      recorders.push(recorder);
      return recorder;
    }),
    forget: vi.fn(),
    onStop: vi.fn(),
    report: vi.fn(),
    status: vi.fn(),
  };
  const client = createConsentClient({ requireConsent: false, honorPrivacySignals: true, ...config }, nav as Navigator, deps);
  return { client, deps, recorders };
}

describe('recorder | consent', () => {
  test.each([
    [{ globalPrivacyControl: true }, 'global_privacy_control'],
    [{ globalPrivacyControl: true, doNotTrack: '1' }, 'global_privacy_control'],
    [{ doNotTrack: '1' }, 'do_not_track'],
    [{ doNotTrack: '0' }, undefined],
    [{ doNotTrack: null }, undefined],
    [{}, undefined],
  ])('privacy signal in %j is %s', (nav, expected) => {
    expect(privacySignal(nav as unknown as Navigator)).toBe(expected);
  });

  test.each([
    ['consent pending', { requireConsent: true }, {}, 'consent_pending'],
    ['Global Privacy Control', {}, { globalPrivacyControl: true }, 'global_privacy_control'],
    ['Do Not Track', { requireConsent: true }, { doNotTrack: '1' }, 'do_not_track'],
  ] as const)('reports why it does not record: %s', (_case, config, nav, reason) => {
    const { deps } = setup(config, nav);
    expect(deps.status.mock.calls).toEqual([[reason]]);
  });

  test('reports consent("denied") and stop(); a denial under a privacy signal keeps the signal as the reason', () => {
    const { client, deps } = setup({});
    expect(deps.status).not.toHaveBeenCalled(); // the recorder itself says whether its session is sampled
    client.consent('denied');
    client.stop();
    expect(deps.status.mock.calls).toEqual([['consent_denied'], ['stopped']]);
    const signalled = setup({}, { globalPrivacyControl: true });
    signalled.client.consent('denied');
    expect(signalled.deps.status.mock.calls).toEqual([['global_privacy_control']]);
  });

  test('without requireConsent the recorder starts at once', () => {
    const { client, deps } = setup({});
    expect(deps.start).toHaveBeenCalledTimes(1);
    expect(client.getSessionId()).toBe('session-1');
  });

  test('with requireConsent nothing starts, and calls are dropped, until consent("granted")', async () => {
    const { client, deps, recorders } = setup({ requireConsent: true });
    client.track('add_to_cart');
    client.identify('user-1');
    await client.flush();
    expect(deps.start).not.toHaveBeenCalled();
    expect(client.getSessionId()).toBe('');
    client.consent('granted');
    client.consent('granted'); // a banner that calls twice does not start a second recorder
    expect(deps.start).toHaveBeenCalledTimes(1);
    client.track('add_to_cart', { value: 3 });
    expect(recorders[0].track).toHaveBeenCalledWith('add_to_cart', { value: 3 });
  });

  test('consent("denied") discards the running recorder; a later grant starts a fresh one', () => {
    const { client, deps, recorders } = setup({});
    client.consent('denied');
    expect(recorders[0].discard).toHaveBeenCalledTimes(1);
    expect(recorders[0].stop).not.toHaveBeenCalled(); // stop() would send what is buffered
    expect(client.getSessionId()).toBe('');
    client.consent('granted');
    expect(deps.start).toHaveBeenCalledTimes(2);
  });

  test('consent("denied") before anything ran still clears keys left by an earlier visit', () => {
    const { client, deps } = setup({ requireConsent: true });
    client.consent('denied');
    expect(deps.forget).toHaveBeenCalledTimes(1);
    expect(deps.start).not.toHaveBeenCalled();
  });

  test.each([
    ['Global Privacy Control', { globalPrivacyControl: true }],
    ['Do Not Track', { doNotTrack: '1' }],
  ])('%s is a denial that consent("granted") cannot override', (_signal, nav) => {
    const { client, deps } = setup({}, nav);
    client.consent('granted');
    expect(deps.start).not.toHaveBeenCalled();
    expect(deps.forget).toHaveBeenCalledTimes(1);
  });

  test('honorPrivacySignals: false records despite the signal', () => {
    const { deps } = setup({ honorPrivacySignals: false }, { globalPrivacyControl: true, doNotTrack: '1' });
    expect(deps.start).toHaveBeenCalledTimes(1);
  });

  test('a wrong decision is reported, not thrown; stop() ends the client for good', () => {
    const { client, deps, recorders } = setup({});
    expect(() => client.consent('maybe' as 'granted')).not.toThrow();
    expect(deps.report.mock.calls[0][0]).toMatchObject({ code: 'invalid_call' });
    client.stop();
    expect(recorders[0].stop).toHaveBeenCalledTimes(1);
    expect(deps.onStop).toHaveBeenCalledTimes(1);
    client.consent('granted');
    expect(deps.start).toHaveBeenCalledTimes(1);
  });
});
