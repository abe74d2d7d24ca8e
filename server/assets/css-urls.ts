/** Rewriting the URLs inside CSS text and `srcset` values through a `MapUrl`; pure, strings in and out. */
import { MAY_HOLD_REFERENCE, scanCss } from '../ingest/css-scan.ts';
import type { MapUrl } from './asset-urls.ts';

/**
 * The CSS with every URL reference that `map` replaces rewritten (always double-quoted: proxy URLs are
 * percent-encoded, so they hold no quote); the same string when nothing changed. References are found by the
 * sanitizer's reader (url() in every spelling, @import and image-set() strings); a malformed url() loads nothing
 * and is left alone.
 */
export function rewriteCss(css: string, map: MapUrl): string {
  if (!MAY_HOLD_REFERENCE.test(css)) return css;
  let out = '';
  let copied = 0;
  scanCss(css, {
    url: ({ start, end, url, form, bad }) => {
      const next = bad ? undefined : map(url);
      if (next === undefined) return;
      out += css.slice(copied, start) + (form === 'url' ? `url("${next}")` : `"${next}"`);
      copied = end;
    },
    hook: () => {},
  });
  return copied === 0 ? css : out + css.slice(copied);
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
