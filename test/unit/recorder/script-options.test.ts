import { describe, expect, test } from 'vitest';
import { optionsFromScript } from '../../../recorder/script-options.ts';

/** A script tag as optionsFromScript reads it: its src and attributes. */
function scriptTag(attributes: Record<string, string>, src = 'https://sightline.example/recorder.js'): HTMLScriptElement {
  return { src, getAttribute: (name: string) => attributes[name] ?? null } as unknown as HTMLScriptElement;
}

describe('recorder | script-tag options', () => {
  test('reads every documented data-* attribute into its option', () => {
    const options = optionsFromScript(
      scriptTag({
        'data-project': 'demo',
        'data-endpoint': 'https://collect.example/api/ingest',
        'data-flush-interval-ms': '500',
        'data-sample-rate': '0.25',
        'data-idle-timeout-ms': '60000',
        'data-mask-all-inputs': 'false',
        'data-mask-all-text': '',
        'data-mask-text-pii': 'false',
        'data-block-all-media': 'true',
        'data-require-consent': '',
        'data-honor-privacy-signals': 'false',
        'data-capture-network': '',
        'data-debug': 'true',
        'data-console': 'error, warn,log',
      }),
    );
    expect(options).toEqual({
      project: 'demo',
      endpoint: 'https://collect.example/api/ingest',
      flushIntervalMs: 500,
      sampleRate: 0.25,
      idleTimeoutMs: 60_000,
      maskAllInputs: false,
      maskAllText: true,
      maskTextPII: false,
      blockAllMedia: true,
      requireConsent: true,
      honorPrivacySignals: false,
      captureNetwork: true,
      debug: true,
      console: { levels: ['error', 'warn', 'log'] },
    });
  });

  test('data-console="false" turns console capture off', () => {
    expect(optionsFromScript(scriptTag({ 'data-project': 'demo', 'data-console': 'false' })).console).toBe(false);
  });

  test('without attributes: the endpoint on the script host, and no other option set', () => {
    expect(optionsFromScript(scriptTag({ 'data-project': 'demo' }))).toEqual({
      project: 'demo',
      endpoint: 'https://sightline.example/api/ingest',
    });
  });

  test('a tag without data-project is refused', () => {
    expect(() => optionsFromScript(scriptTag({}))).toThrow('data-project');
  });
});
