/** Rewriting the URLs inside CSS text and `srcset` values through a `MapUrl`; pure, strings in and out. */
import type { MapUrl } from './asset-urls.ts';

/**
 * `url(…)` unquoted, in double or single quotes, or `@import "…"` / `@import '…'` (an `@import url(…)` is a url()).
 * Unquoted URLs hold no whitespace, quotes or parentheses unless escaped. The look-behind keeps `myurl(` out.
 */
const CSS_REFERENCE =
  /(?<![\w-])(url\(\s*)(?:"((?:[^"\\\n]|\\[\s\S])*)"|'((?:[^'\\\n]|\\[\s\S])*)'|((?:[^\s"'()\\]|\\[\s\S])*))(\s*\))|(@import\s*)(?:"((?:[^"\\\n]|\\[\s\S])*)"|'((?:[^'\\\n]|\\[\s\S])*)')/gi;
const MAY_REFERENCE = /url\(|@import|image-set\(/i;
const IMAGE_SET_NAME = /image-set\(/i;

/** CSS escapes (`\29`, `\)`) spelled out, so an escaped URL is mapped as the browser would read it. */
function unescapeCss(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\([0-9a-f]{1,6}\s?|[\s\S])/gi, (_, escape: string) => {
    const hex = escape.trim();
    return /^[0-9a-f]+$/i.test(hex) ? String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff)) : escape;
  });
}

/** `image-set(` and its prefixed form, whose candidates may be plain strings rather than url()s. */
const IMAGE_SET = /(?<![\w-])(?:-webkit-)?image-set\(/gi;

/** Index of the quote that closes the string opening at `start`, or the text's length when it never closes. */
function stringEnd(css: string, start: number): number {
  const quote = css[start];
  for (let index = start + 1; index < css.length; index++) {
    if (css[index] === '\\') index++;
    else if (css[index] === quote || css[index] === '\n') return index;
  }
  return css.length;
}

/**
 * The string candidates of `image-set("a.png" 1x, "b.png" 2x)` mapped. Only a string that starts a candidate is a
 * URL: those inside nested functions (`type("image/avif")`) are not, and nested url()s are rewriteCss's own.
 */
function rewriteImageSets(css: string, map: MapUrl): string {
  let out = '';
  let copied = 0;
  IMAGE_SET.lastIndex = 0;
  for (let match = IMAGE_SET.exec(css); match; match = IMAGE_SET.exec(css)) {
    let index = match.index + match[0].length;
    let depth = 1;
    let startsCandidate = true;
    while (index < css.length && depth > 0) {
      const char = css[index]!;
      if (char === '"' || char === "'") {
        const end = stringEnd(css, index);
        const next = depth === 1 && startsCandidate ? map(unescapeCss(css.slice(index + 1, end))) : undefined;
        if (next !== undefined) {
          out += `${css.slice(copied, index)}"${next}"`;
          copied = Math.min(end + 1, css.length);
        }
        startsCandidate = false;
        index = end + 1;
        continue;
      }
      if (char === '(') depth++;
      else if (char === ')') depth--;
      else if (char === ',' && depth === 1) startsCandidate = true;
      else if (depth === 1 && !/\s/.test(char)) startsCandidate = false;
      index++;
    }
    IMAGE_SET.lastIndex = index;
  }
  return copied === 0 ? css : out + css.slice(copied);
}

/**
 * The CSS with every url(), @import string and image-set() string candidate that `map` replaces rewritten (always
 * double-quoted: proxy URLs are percent-encoded, so they hold no quote); the same string when nothing changed.
 */
export function rewriteCss(css: string, map: MapUrl): string {
  if (!MAY_REFERENCE.test(css)) return css;
  const referenced = css.replace(CSS_REFERENCE, (whole: string, ...groups: Array<string | undefined>) => {
    const [urlOpen, double, single, bare, urlClose, importOpen, importDouble, importSingle] = groups;
    if (urlOpen !== undefined) {
      const next = map(unescapeCss(double ?? single ?? bare ?? ''));
      return next === undefined ? whole : `${urlOpen}"${next}"${urlClose}`;
    }
    const next = map(unescapeCss(importDouble ?? importSingle ?? ''));
    return next === undefined ? whole : `${importOpen}"${next}"`;
  });
  return IMAGE_SET_NAME.test(referenced) ? rewriteImageSets(referenced, map) : referenced;
}

/**
 * A `srcset` (or `imagesrcset`) with each candidate's URL mapped and its descriptors kept: `a.png 1x, b.png 2x`.
 * Parsed as the HTML spec does: a URL runs to whitespace, and a trailing comma ends the candidate, so URLs with
 * commas inside (`…/w_300,h_200/…`) stay whole. The same string when nothing changed.
 */
export function rewriteSrcset(srcset: string, map: MapUrl): string {
  const candidates: string[] = [];
  let changed = false;
  let position = 0;
  // Sticky: each match starts exactly where the last one ended.
  const separators = /[\s,]*/y;
  const nonSpace = /\S*/y;
  while (position < srcset.length) {
    separators.lastIndex = position;
    position += separators.exec(srcset)![0].length;
    if (position >= srcset.length) break;
    nonSpace.lastIndex = position;
    let url = nonSpace.exec(srcset)![0];
    position += url.length;
    let descriptors = '';
    if (url.endsWith(',')) {
      url = url.replace(/,+$/, '');
    } else {
      // Descriptors run to the next comma outside parentheses (future descriptors may hold commas in parentheses).
      let depth = 0;
      for (; position < srcset.length; position++) {
        const char = srcset[position]!;
        if (char === ',' && depth === 0) break;
        if (char === '(') depth++;
        if (char === ')') depth = Math.max(0, depth - 1);
        descriptors += char;
      }
    }
    const next = map(url);
    if (next !== undefined) changed = true;
    candidates.push(`${next ?? url}${descriptors.trimEnd() ? ` ${descriptors.trim()}` : ''}`);
  }
  return changed ? candidates.join(', ') : srcset;
}
