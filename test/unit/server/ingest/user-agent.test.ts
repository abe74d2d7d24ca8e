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
    { client: 'no header', ua: undefined, browser: 'Other', os: 'Other' },
  ])('recognizes $client', ({ ua, browser, os }) => {
    expect(parseUserAgent(ua)).toEqual({ browser, os });
  });
});
