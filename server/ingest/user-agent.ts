/** Browser and operating system names from a User-Agent header; 'Other' when not recognized. */
export interface ClientInfo {
  browser: 'Edge' | 'Chrome' | 'Firefox' | 'Safari' | 'Other';
  os: 'Windows' | 'macOS' | 'iOS' | 'Android' | 'Linux' | 'Other';
}

const SAFARI_VERSION = /\bVersion\/[\d.]/;
const SAFARI = /\bSafari\//g;

/**
 * `Version/<digits or dots>` and, later on, `Safari/`. Not one regex: `Version\/[\d.]+.*\bSafari\/` lets `[\d.]+`
 * and `.*` share every digit, quadratic on a long header. The earliest `Version/` leaves the most room after it
 * (a header holds no line break, which `.*` would not have crossed).
 */
function isSafari(ua: string): boolean {
  const version = SAFARI_VERSION.exec(ua);
  if (!version) return false;
  // lastIndex starts the search after `Version/` and its first digit; `\b` still sees the character before it.
  SAFARI.lastIndex = version.index + version[0].length;
  return SAFARI.test(ua);
}

// Order matters: Edge's UA also says Chrome and Safari, Chrome's also says Safari; iOS says "like Mac OS X",
// Android says Linux. So the more specific token is tested first.
const browsers: Array<[Pick<RegExp, 'test'>, ClientInfo['browser']]> = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|HeadlessChrome|Chromium|CriOS)\//, 'Chrome'],
  [{ test: isSafari }, 'Safari'],
];

const systems: Array<[RegExp, ClientInfo['os']]> = [
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bWindows\b/, 'Windows'],
  [/\b(Macintosh|Mac OS X)\b/, 'macOS'],
  [/\b(Linux|X11|CrOS)\b/, 'Linux'],
];

export function parseUserAgent(userAgent: string | undefined): ClientInfo {
  const ua = userAgent ?? '';
  return {
    browser: browsers.find(([pattern]) => pattern.test(ua))?.[1] ?? 'Other',
    os: systems.find(([pattern]) => pattern.test(ua))?.[1] ?? 'Other',
  };
}
