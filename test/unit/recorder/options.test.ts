import { describe, expect, test } from 'vitest';
import { DEFAULT_OPTIONS, resolveOptions } from '../../../recorder/options.ts';

const required = { endpoint: 'https://sightline.example/api/ingest', project: 'demo' };

describe('recorder | options', () => {
  test('fills every default around the required fields', () => {
    expect(resolveOptions(required)).toEqual({ ...DEFAULT_OPTIONS, ...required });
    expect(DEFAULT_OPTIONS).toMatchObject({
      flushIntervalMs: 5_000,
      sampleRate: 1,
      maskAllInputs: true,
      maskTextSelector: '[data-sl-mask]',
      blockSelector: '[data-sl-block]',
      idleTimeoutMs: 1_800_000,
      recordCanvas: false,
      maskAllText: false,
      maskTextPII: true,
      blockAllMedia: false,
      requireConsent: false,
      honorPrivacySignals: true,
    });
  });

  test('keeps what the store set, and treats undefined as "use the default"', () => {
    const onError = () => {};
    const resolved = resolveOptions({ ...required, flushIntervalMs: 200, sampleRate: 0, maskAllInputs: false, idleTimeoutMs: undefined, onError });
    expect(resolved).toMatchObject({ flushIntervalMs: 200, sampleRate: 0, maskAllInputs: false, idleTimeoutMs: 1_800_000 });
    expect(resolved.onError).toBe(onError);
  });

  test.each([
    ['no options at all', undefined, /options object/],
    ['an array', [], /options object/],
    ['a missing endpoint', { project: 'demo' }, /"endpoint" is required/],
    ['a missing project', { endpoint: required.endpoint }, /"project" is required/],
    ['an empty project', { ...required, project: ' ' }, /"project" must be a non-empty string/],
    ['a relative endpoint', { ...required, endpoint: '/api/ingest' }, /"endpoint" must be an absolute http\(s\) URL .* \(got "\/api\/ingest"\)/],
    ['a non-http endpoint', { ...required, endpoint: 'ftp://sightline.example/x' }, /"endpoint" must be an absolute http\(s\) URL/],
    ['an endpoint that is not a string', { ...required, endpoint: 42 }, /"endpoint" must be an absolute http\(s\) URL .* \(got 42\)/],
    ['sampleRate below 0', { ...required, sampleRate: -0.1 }, /"sampleRate" must be a number from 0 to 1 \(got -0.1\)/],
    ['sampleRate above 1', { ...required, sampleRate: 1.5 }, /"sampleRate" must be a number from 0 to 1/],
    ['sampleRate NaN', { ...required, sampleRate: Number.NaN }, /"sampleRate" must be a number from 0 to 1/],
    ['sampleRate as a string', { ...required, sampleRate: '0.5' }, /"sampleRate" must be a number from 0 to 1 \(got "0.5"\)/],
    ['a fractional flush interval', { ...required, flushIntervalMs: 2.5 }, /"flushIntervalMs" must be a positive integer/],
    ['a zero batch size', { ...required, maxBatchEvents: 0 }, /"maxBatchEvents" must be a positive integer/],
    ['maskAllInputs as a string', { ...required, maskAllInputs: 'false' }, /"maskAllInputs" must be true or false/],
    ['an empty selector', { ...required, blockSelector: '' }, /"blockSelector" must be a non-empty CSS selector/],
    ['requireConsent as a string', { ...required, requireConsent: 'yes' }, /"requireConsent" must be true or false \(got "yes"\)/],
    ['honorPrivacySignals as a number', { ...required, honorPrivacySignals: 0 }, /"honorPrivacySignals" must be true or false/],
    ['maskAllText as a string', { ...required, maskAllText: 'true' }, /"maskAllText" must be true or false/],
    ['maskTextPII as null', { ...required, maskTextPII: null }, /"maskTextPII" must be true or false/],
    ['blockAllMedia as a number', { ...required, blockAllMedia: 1 }, /"blockAllMedia" must be true or false/],
    ['onError that is not a function', { ...required, onError: 'log' }, /"onError" must be a function/],
    ['a misspelt option', { ...required, flushInterval: 1000 }, /unknown option "flushInterval"/],
  ])('throws a clear error on %s', (_case, input, message) => {
    expect(() => resolveOptions(input)).toThrow(message);
  });

  test.each([0, 0.25, 1])('accepts sampleRate %s, the ends included', (sampleRate) => {
    expect(resolveOptions({ ...required, sampleRate }).sampleRate).toBe(sampleRate);
  });
});
