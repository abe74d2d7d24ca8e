import { describe, expect, test } from 'vitest';
import { parseUserAgent } from '../../../../server/ingest/user-agent.ts';

describe('ingest | user agent', () => {
  test.each([
    {
      client: 'Chrome on Windows',
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      browser: 'Chrome',
      os: 'Windows',
    },
    {
      client: 'Edge on Windows',
      ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
      browser: 'Edge',
      os: 'Windows',
    },
    {
      client: 'Firefox on Linux',
      ua: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      browser: 'Firefox',
      os: 'Linux',
    },
    {
      client: 'Safari on macOS',
      ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      browser: 'Safari',
      os: 'macOS',
    },
    {
      client: 'Safari on iPhone',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      browser: 'Safari',
      os: 'iOS',
    },
    {
      client: 'Chrome on iPad',
      ua: 'Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
      browser: 'Chrome',
      os: 'iOS',
    },
    {
      client: 'Firefox on iPhone',
      ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15',
      browser: 'Firefox',
      os: 'iOS',
    },
    {
      client: 'Chrome on Android',
      ua: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      browser: 'Chrome',
      os: 'Android',
    },
    {
      client: 'Edge on Android',
      ua: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0',
      browser: 'Edge',
      os: 'Android',
    },
    {
      client: 'Headless Chromium (the end-to-end tests)',
      ua: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
      browser: 'Chrome',
      os: 'Linux',
    },
    { client: 'curl', ua: 'curl/8.5.0', browser: 'Other', os: 'Other' },
    // Safari is `Version/<n>` and, later and at a word boundary, `Safari/`.
    { client: 'Safari with the tokens adjacent', ua: 'Version/18.1 Safari/605', browser: 'Safari', os: 'Other' },
    { client: 'Safari/ glued to the version', ua: 'Version/18.1Safari/605', browser: 'Other', os: 'Other' },
    { client: 'Safari/ before Version/', ua: 'Safari/605 Version/18.1', browser: 'Other', os: 'Other' },
    { client: 'Version/ with no number', ua: 'Version/ Safari/605', browser: 'Other', os: 'Other' },
    { client: 'no header', ua: undefined, browser: 'Other', os: 'Other' },
  ])('recognizes $client', ({ ua, browser, os }) => {
    expect(parseUserAgent(ua)).toEqual({ browser, os });
  });

  // A header is at most 16 KB, but the parser's cost must not grow faster than its input: the single regex this
  // replaced took 40 to 60 s on each of the first two (its `[\d.]+` and `.*` split the digits every way); a linear
  // scan takes a millisecond, far inside the timeout.
  test.each([
    { name: 'many digits and no Safari/', ua: `Version/${'1'.repeat(300_000)}`, browser: 'Other' },
    { name: 'many digits, then Safari/', ua: `Version/${'1'.repeat(300_000)}Safari/1`, browser: 'Other' },
    { name: 'Version/1 repeated', ua: 'Version/1'.repeat(30_000), browser: 'Other' },
    { name: 'Version/1 repeated, then Safari/', ua: `${'Version/1'.repeat(30_000)} Safari/1`, browser: 'Safari' },
  ])('reads a hostile header in one pass: $name', { timeout: 10_000 }, ({ ua, browser }) => {
    expect(parseUserAgent(ua).browser).toBe(browser);
  });
});
