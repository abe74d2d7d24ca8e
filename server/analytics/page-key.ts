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
 *    any number of segments (`/blog/**` holds `/blog` and `/blog/2024/05/hello`).
 * 3. Otherwise id-like segments become `:id`: all digits; a UUID; hex of 8 or more characters with at least one
 *    digit (so words like `deadbeef` or `facade` stay); letters and digits mixed, 16 characters or more, no dashes
 *    (so slugs like `summer-sale-2024-collection` stay).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_HEX = /^[0-9a-f]{8,}$/i;
const LONG_ALPHANUMERIC = /^[a-z0-9]{16,}$/i;
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

function normalizePath(path: string): string {
  const withLeadingSlash = path.startsWith('/') ? path : `/${path}`;
  const trimmed = withLeadingSlash.replace(/\/+$/, '').replace(INDEX_FILE, '').replace(/\/+$/, '');
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

const compiledPatterns = new Map<string, RegExp>();

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compilePattern(pattern: string): RegExp {
  let compiled = compiledPatterns.get(pattern);
  if (compiled) return compiled;
  const segments = normalizePath(pattern).split('/').filter(Boolean);
  const source = segments
    .map((segment) => {
      if (segment === '**') return '(?:/[^/]+)*';
      if (segment === '*' || segment.startsWith(':')) return '/[^/]+';
      return `/${segment.split('*').map(escapeRegExp).join('[^/]*')}`;
    })
    .join('');
  compiled = new RegExp(`^${source}$`);
  compiledPatterns.set(pattern, compiled);
  return compiled;
}

export function pageKey(url: string, patterns: readonly string[] = []): string {
  if (url.trim() === '') return '';
  const { path, hierarchical } = pathOf(url);
  if (!hierarchical) return path;
  const normalized = normalizePath(path);
  // Patterns compile to `(/segment)*` sequences, so the root is matched as the empty sequence.
  const matchable = normalized === '/' ? '' : normalized;
  for (const pattern of patterns) {
    if (compilePattern(pattern).test(matchable)) return normalizePath(pattern);
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
  if (url.trim() === '' || pattern.trim() === '') return false;
  const { path, hierarchical } = pathOf(url);
  if (!hierarchical) return path === pattern;
  const normalized = normalizePath(path);
  return compilePattern(pattern).test(normalized === '/' ? '' : normalized);
}
