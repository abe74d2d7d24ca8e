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
    ['console as a string', { ...required, console: 'errors' }, /"console" must be true, false or an object/],
    ['an unknown console level', { ...required, console: { levels: ['error', 'eror'] } }, /"console.levels" must be a list of error, warn, info, log, debug/],
    ['console levels that are no list', { ...required, console: { levels: 'error' } }, /"console.levels" must be a list/],
    ['a zero console rate', { ...required, console: { perSecond: 0 } }, /"console.perSecond" must be a positive integer \(got 0\)/],
    ['a misspelt console option', { ...required, console: { maxArg: 3 } }, /unknown option "console.maxArg"/],
    ['captureNetwork as a string', { ...required, captureNetwork: 'yes' }, /"captureNetwork" must be true, false or an object/],
    ['an allow-list that is no list', { ...required, captureNetwork: { allowQuery: '/search' } }, /"captureNetwork.allowQuery" must be a list of URL patterns/],
    ['an empty URL pattern', { ...required, captureNetwork: { allowBodies: [''] } }, /"captureNetwork.allowBodies" must be a list of URL patterns/],
    ['a misspelt network option', { ...required, captureNetwork: { allowQueries: [] } }, /unknown option "captureNetwork.allowQueries"/],
    ['beforeSend that is not a function', { ...required, beforeSend: true }, /"beforeSend" must be a function/],
    ['onStatus that is not a function', { ...required, onStatus: 'log' }, /"onStatus" must be a function/],
    ['debug as a string', { ...required, debug: 'yes' }, /"debug" must be true or false/],
  ])('throws a clear error on %s', (_case, input, message) => {
    expect(() => resolveOptions(input)).toThrow(message);
  });

  test('console: errors and warnings by default; true means the defaults, an object overrides some, false turns it off', () => {
    expect(resolveOptions(required).console).toEqual({
      levels: ['error', 'warn'], maxArgs: 10, maxDepth: 3, maxKeys: 20, maxChars: 2_000, perSecond: 10, maxPerSession: 1_000,
    });
    expect(resolveOptions({ ...required, console: true }).console).toEqual(resolveOptions(required).console);
    expect(resolveOptions({ ...required, console: { levels: ['error', 'log'], perSecond: 3 } }).console).toMatchObject({
      levels: ['error', 'log'], perSecond: 3, maxArgs: 10,
    });
    expect(resolveOptions({ ...required, console: false }).console).toBe(false);
  });

  test('captureNetwork: off by default; true records no query, header or body; an object allow-lists them', () => {
    expect(resolveOptions(required).captureNetwork).toBe(false);
    expect(resolveOptions({ ...required, captureNetwork: true }).captureNetwork).toEqual({ allowQuery: [], allowHeaders: [], allowBodies: [] });
    const pattern = /\/search$/;
    expect(resolveOptions({ ...required, captureNetwork: { allowQuery: [pattern, '/api/*'] } }).captureNetwork).toEqual({
      allowQuery: [pattern, '/api/*'], allowHeaders: [], allowBodies: [],
    });
  });

  test.each([0, 0.25, 1])('accepts sampleRate %s, the ends included', (sampleRate) => {
    expect(resolveOptions({ ...required, sampleRate }).sampleRate).toBe(sampleRate);
  });
});
