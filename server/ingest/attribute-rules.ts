/** What makes one attribute value dangerous on replay: pure predicates over strings, used by sanitize.ts. */

/** URL schemes that run code when navigated to or loaded as a document. */
const CODE_SCHEMES = ['javascript:', 'vbscript:', 'livescript:', 'data:text/html', 'data:application/xhtml', 'data:text/xml', 'data:application/xml'];
/** SVG documents run scripts when loaded as documents (not as images), so only these elements block them. */
export const DOCUMENT_LOADERS: ReadonlySet<string> = new Set(['iframe', 'frame', 'object', 'embed']);

/** Browsers ignore ASCII whitespace and control characters inside a URL's scheme, so "java\tscript:" still runs. */
export function isCodeUrl(value: string, blockSvg = false): boolean {
  const compact = value.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
  if (CODE_SCHEMES.some((scheme) => compact.startsWith(scheme))) return true;
  return blockSvg && compact.startsWith('data:image/svg');
}

/** The srcset without candidates whose URL runs code; null when none is left. */
export function sanitizeSrcset(srcset: string): string | null {
  const candidates = srcset.split(',').filter((candidate) => !isCodeUrl(candidate.trim()));
  return candidates.length > 0 ? candidates.join(',') : null;
}

/**
 * Whether an `http-equiv` value asks for a refresh, read loosely: character references decoded or dropped, and
 * everything but letters ignored, so `Refresh`, ` REFRESH\n` and `&#114;efresh` all count.
 */
export function isRefreshPragma(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const decoded = value
    .replace(/&#(x[0-9a-f]+|[0-9]+);?/gi, (_, number: string) => {
      const codePoint = number[0] === 'x' || number[0] === 'X' ? parseInt(number.slice(1), 16) : parseInt(number, 10);
      return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '';
    })
    .replace(/&[a-z][a-z0-9]*;?/gi, '');
  return decoded.replace(/[^a-z]+/gi, '').toLowerCase().includes('refresh');
}

/** A meta `content` a refresh would obey ("5", "0;url=…", ".5, https://…"): it starts with a number. */
export const isRefreshContent = (value: unknown): boolean => typeof value === 'string' && /^[\t\n\f\r ]*[0-9.]/.test(value);
