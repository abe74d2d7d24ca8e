import { describe, expect, test } from 'vitest';
import { parseUserAgent } from '../../../../server/ingest/user-agent.ts';

describe('ingest | user agent', () => {
  test.each([
    {
      client: 'Firefox on Windows',
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
      expected: { browser: 'Firefox', browserVersion: '133.0', os: 'Windows', osVersion: '10' },
    },
    {
      client: 'Firefox on Linux',
      ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      expected: { browser: 'Firefox', browserVersion: '133.0', os: 'Linux', osVersion: '' },
    },
    {
      client: 'Safari on iPhone',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      expected: { browser: 'Safari', browserVersion: '17.5', os: 'iOS', osVersion: '17.5' },
    },
    {
      client: 'Safari on macOS',
      ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      expected: { browser: 'Safari', browserVersion: '18.1', os: 'macOS', osVersion: '10.15.7' },
    },
    {
      client: 'Samsung Internet on Android',
      ua: 'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
      expected: { browser: 'Samsung Internet', browserVersion: '25.0', os: 'Android', osVersion: '14' },
    },
    {
      client: 'Edge on Windows',
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
      expected: { browser: 'Edge', browserVersion: '131.0.2903.86', os: 'Windows', osVersion: '10' },
    },
    {
      client: 'Edge on Android',
      ua: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0',
      expected: { browser: 'Edge', browserVersion: '131.0.0.0', os: 'Android', osVersion: '10' },
    },
    {
      client: 'Chrome on Android',
      ua: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      expected: { browser: 'Chrome', browserVersion: '131.0.0.0', os: 'Android', osVersion: '10' },
    },
    {
      client: 'Chrome on iPad',
      ua: 'Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
      expected: { browser: 'Chrome', browserVersion: '131.0.6778.73', os: 'iOS', osVersion: '17.7' },
    },
    {
      client: 'Opera on Windows',
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
      expected: { browser: 'Opera', browserVersion: '115.0.0.0', os: 'Windows', osVersion: '10' },
    },
    {
      client: 'Chrome on ChromeOS',
      ua: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      expected: { browser: 'Chrome', browserVersion: '131.0.0.0', os: 'ChromeOS', osVersion: '14541.0.0' },
    },
    // Another tool's capture: the user agent posthog-js's own tests record as `$raw_user_agent`, Firefox on an
    // Android phone. Its header says neither "Linux" nor "Chrome", so a table of four browsers called it Other.
    {
      client: 'Firefox on Android, as posthog-js captured it',
      ua: 'Mozilla/5.0 (Android 4.4; Mobile; rv:41.0) Gecko/41.0 Firefox/41.0',
      expected: { browser: 'Firefox', browserVersion: '41.0', os: 'Android', osVersion: '4.4' },
    },
    {
      client: 'headless Chromium (the end-to-end tests)',
      ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
      expected: { browser: 'Chrome', browserVersion: '131.0.0.0', os: 'Linux', osVersion: '' },
    },
    { client: 'curl', ua: 'curl/8.5.0', expected: { browser: 'Other', browserVersion: '', os: 'Other', osVersion: '' } },
    { client: 'an empty header', ua: '', expected: { browser: 'Other', browserVersion: '', os: 'Other', osVersion: '' } },
    { client: 'no header', ua: undefined, expected: { browser: 'Other', browserVersion: '', os: 'Other', osVersion: '' } },
  ])('recognizes $client', ({ ua, expected }) => {
    expect(parseUserAgent(ua)).toEqual(expected);
  });

  // A header is at most 16 KB; whatever it holds, reading it must cost about what a real one does. Inputs that made
  // a former hand-written regex take 40 to 60 s.
  test.each([
    { name: 'many digits and no Safari/', ua: `Version/${'1'.repeat(300_000)}` },
    { name: 'many digits, then Safari/', ua: `Version/${'1'.repeat(300_000)}Safari/1` },
    { name: 'Version/1 repeated', ua: 'Version/1'.repeat(30_000) },
    { name: 'a real header padded with spaces', ua: `Mozilla/5.0 (Windows NT 10.0${' '.repeat(300_000)}) Firefox/133.0` },
  ])('reads a hostile header in one pass: $name', { timeout: 10_000 }, ({ ua }) => {
    // The parser reads the first 500 characters; the rest is not even scanned.
    for (let run = 0; run < 100; run++) expect(parseUserAgent(ua).browserVersion).not.toContain('1'.repeat(600));
  });
});
