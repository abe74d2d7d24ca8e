/**
 * Page keys: one key per page *template*, so `/product/123` and `/product/456` share a heatmap and a form report.
 *
 * pageKey(url, patterns):
 * 1. Take the URL's path; scheme, host, query and fragment are dropped. Trailing slashes go (`/cart/` → `/cart`;
 *    the root stays `/`), and so does a directory's index file, which a server answers for the directory itself
 *    (`/shop/index.html`, `index.htm` or `index.php`, in any case → `/shop`). A URL that is not http(s) or relative
 *    keeps its scheme (`about:blank`). '' stays '' (page unknown).
 * 2. The first user pattern that matches the path is the key, e.g. `/product/*`. In patterns `*` matches one whole
 *    segment, `*` inside a segment matches part of it (`/p-*`), `:name` matches one segment, a `**` segment matches
 *    any number of segments (`/blog/**` holds `/blog` and `/blog/2024/05/hello`); url-pattern.ts matches them in
 *    linear time. A path of more than MAX_PATH_SEGMENTS (64) segments matches no pattern.
 * 3. Otherwise id-like segments become `:id`: all digits; a UUID; hex of 8 or more characters with at least one
 *    digit (so words like `deadbeef` or `facade` stay); letters and digits mixed, 16 characters or more, no dashes
 *    (so slugs like `summer-sale-2024-collection` stay).
 */

import { compilePattern, matchSegments, splitPath, type CompiledPattern, type MatchWork } from './url-pattern.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_HEX = /^[0-9a-f]{8,}$/i;
const LONG_ALPHANUMERIC = /^[a-z0-9]{16,}$/i;
const SLASH = 0x2f;
/** Lets relative URLs (`/cart?x=1`) parse; never part of a key. */
const PARSE_BASE = 'http://sightline.invalid';

export function isIdLikeSegment(segment: string): boolean {
  if (/^\d+$/.test(segment) || UUID.test(segment)) return true;
  const hasDigit = /\d/.test(segment);
  if (LONG_HEX.test(segment) && hasDigit) return true;
  return LONG_ALPHANUMERIC.test(segment) && hasDigit && /[a-z]/i.test(segment);
}

/**
 * A directory's index file: `/x/index.html` is the page `/x/` a server answers with it. The index-file migration
 * (storage/migrations.ts) applies the same rule, in SQL, to the keys stored before it.
 */
const INDEX_FILE = /\/index\.(?:html?|php)$/i;

// A loop, not /\/+$/: that regex retries from every slash of a long run, quadratic in the run's length.
function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === SLASH) end -= 1;
  return text.slice(0, end);
}

/** A pattern naming an index file names its directory, as a path does: `/demo/index.html` is `/demo`. */
function compiledPattern(pattern: string): CompiledPattern {
  return compilePattern(withoutTrailingSlashes(pattern).replace(INDEX_FILE, ''));
}

function normalizePath(path: string): string {
  const withLeadingSlash = path.startsWith('/') ? path : `/${path}`;
  const trimmed = withoutTrailingSlashes(withoutTrailingSlashes(withLeadingSlash).replace(INDEX_FILE, ''));
  return trimmed === '' ? '/' : trimmed;
}

/** The URL's path (query and fragment dropped), or the whole URL without them when it has no usable path. */
function pathOf(url: string): { path: string; hierarchical: boolean } {
  try {
    const parsed = new URL(url, PARSE_BASE);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
      return { path: parsed.pathname, hierarchical: true };
    }
    return { path: `${parsed.protocol}${parsed.pathname}`, hierarchical: false };
  } catch {
    return { path: url.split(/[?#]/)[0], hierarchical: true };
  }
}

/** With `work`, the parse (a step per character) and every pattern match add their steps to it. */
export function pageKey(url: string, patterns: readonly string[] = [], work?: MatchWork): string {
  if (url.trim() === '') return '';
  const { path, hierarchical } = pathOf(url);
  if (work) work.steps += url.length + path.length;
  if (!hierarchical) return path;
  const normalized = normalizePath(path);
  const split = splitPath(normalized);
  for (const pattern of patterns) {
    if (matchSegments(compiledPattern(pattern), split, work)) return normalizePath(pattern);
  }
  return normalized
    .split('/')
    .map((segment) => (isIdLikeSegment(segment) ? ':id' : segment))
    .join('/');
}

/**
 * Whether the URL's path matches a page pattern, in pageKey's pattern syntax (`/product/*`, `/blog/**`, `:name`);
 * query and fragment are ignored, so `/cart` matches `https://shop/cart/?step=2`. '' matches nothing.
 */
export function matchesPagePattern(url: string, pattern: string): boolean {
  return pagePatternTester(url)(pattern);
}

/**
 * matchesPagePattern for one URL and many patterns (a funnel's steps): the URL is parsed and split once. With `work`,
 * the parse (a step per character) and every match add their steps to it, so a caller can bound the total.
 */
export function pagePatternTester(url: string, work?: MatchWork): (pattern: string) => boolean {
  if (url.trim() === '') return () => false;
  const { path, hierarchical } = pathOf(url);
  if (work) work.steps += url.length + path.length;
  if (!hierarchical) {
    return (pattern) => {
      if (work) work.steps += 1 + Math.min(path.length, pattern.length);
      return pattern.trim() !== '' && path === pattern;
    };
  }
  const split = splitPath(normalizePath(path));
  return (pattern) => pattern.trim() !== '' && matchSegments(compiledPattern(pattern), split, work);
}
