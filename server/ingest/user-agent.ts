/**
 * Browser and operating system, with their versions, from a User-Agent header, read by ua-parser-js (1.x, MIT: the
 * 2.x line is AGPL). It knows hundreds of browsers and systems where a table of our own knew four, and it reads at
 * most 500 characters of a header, so a hostile one costs no more than a real one.
 */
import { UAParser } from 'ua-parser-js';

export interface ClientInfo {
  /** 'Chrome', 'Safari', 'Samsung Internet', …; 'Other' when not recognized. */
  browser: string;
  /** As the header gives it ('131.0.6778.73'); '' when unknown. */
  browserVersion: string;
  /** 'Windows', 'macOS', 'iOS', 'Android', …; 'Other' when not recognized. */
  os: string;
  osVersion: string;
}

/**
 * The parser's names where a person calls them otherwise. The device class already says mobile, and the end-to-end
 * tests' headless Chromium is Chrome to whoever reads the session list.
 */
const BROWSER_NAMES: Readonly<Record<string, string>> = {
  'Mobile Safari': 'Safari',
  'Mobile Chrome': 'Chrome',
  'Chrome Headless': 'Chrome',
  'Mobile Firefox': 'Firefox',
};
const OS_NAMES: Readonly<Record<string, string>> = {
  'Mac OS': 'macOS',
  'Chromium OS': 'ChromeOS',
};

export function parseUserAgent(userAgent: string | undefined): ClientInfo {
  const { browser, os } = new UAParser(userAgent ?? '').getResult();
  return {
    browser: browser.name ? (BROWSER_NAMES[browser.name] ?? browser.name) : 'Other',
    browserVersion: browser.name ? (browser.version ?? '') : '',
    os: os.name ? (OS_NAMES[os.name] ?? os.name) : 'Other',
    osVersion: os.name ? (os.version ?? '') : '',
  };
}
