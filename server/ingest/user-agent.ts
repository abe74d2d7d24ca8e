/** Browser and operating system names from a User-Agent header; 'Other' when not recognized. */
export interface ClientInfo {
  browser: 'Edge' | 'Chrome' | 'Firefox' | 'Safari' | 'Other';
  os: 'Windows' | 'macOS' | 'iOS' | 'Android' | 'Linux' | 'Other';
}

// Order matters: Edge's UA also says Chrome and Safari, Chrome's also says Safari; iOS says "like Mac OS X",
// Android says Linux. So the more specific token is tested first.
const browsers: Array<[RegExp, ClientInfo['browser']]> = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|HeadlessChrome|Chromium|CriOS)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
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
