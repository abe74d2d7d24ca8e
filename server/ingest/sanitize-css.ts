/**
 * One rule for every URL in CSS, applied wherever CSS comes from (style attributes and style diffs, `<style>` text,
 * `_cssText`, stylesheet rule and declaration events, adopted stylesheets, web fonts, CSS the asset proxy serves):
 *
 * - allowed: relative URLs, `http:` and `https:`, and `data:` images and fonts (an SVG image only when it holds no
 *   script, event handler, foreignObject or `javascript:`; CSS loads SVG as an image, where none of that runs, and
 *   refusing them outright would drop the icons most stores draw that way);
 * - replaced by `about:invalid` (loads nothing): every other scheme (`javascript:`, `vbscript:`, `file:`, `blob:`,
 *   other `data:` types such as HTML, XML or CSS) and every url() the browser itself would reject as malformed;
 * - renamed so they do nothing: IE's `expression(` and `behavior:`, old Firefox's `-moz-binding:`.
 *
 * What counts as a URL is decided by `css-scan.ts`, the same reader the asset proxy uses.
 */
import { HOOK_PROPERTIES, MAY_HOLD_REFERENCE, scanCss, unescapeCss, type CssHookKind } from './css-scan.ts';

/** What a blocked reference becomes, as a whole url() or as a string in @import / image-set(). */
const BLOCKED_URL = 'url("about:invalid")';
const BLOCKED_STRING = '"about:invalid"';
const HOOK_REPLACEMENTS: Record<CssHookKind, string> = {
  expression: 'blocked',
  binding: '-blocked-binding',
  behavior: 'blocked-behavior',
};

const FONT_TYPE = /^(?:font\/[a-z0-9.+-]+|application\/(?:x-)?font-[a-z0-9.+-]+|application\/vnd\.ms-fontobject|application\/octet-stream)$/;
/** What would make an SVG more than a picture, were it ever loaded as a document. */
const SVG_ACTIVE_CONTENT = /<\s*(?:[a-z]+:)?(?:script|foreignobject)|[\s/"']on[a-z]+\s*=|javascript:/i;

/** The text without CSS comments (`url(/**\/javascript:…)` is judged as `javascript:…`). Linear: indexOf only. */
function withoutComments(text: string): string {
  let out = '';
  let position = 0;
  for (let open = text.indexOf('/*'); open >= 0; open = text.indexOf('/*', position)) {
    out += text.slice(position, open);
    const close = text.indexOf('*/', open + 2);
    position = close < 0 ? text.length : close + 2;
  }
  return out + text.slice(position);
}

/** Percent-escapes decoded byte by byte (never throws on a malformed one, unlike decodeURIComponent). */
const percentDecoded = (text: string) => text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

function isAllowedDataUrl(header: string, body: string): boolean {
  const [type = '', ...parameters] = header.split(';').map((part) => part.trim());
  if (type.startsWith('image/svg')) {
    const text = parameters.includes('base64') ? Buffer.from(body, 'base64').toString('latin1') : percentDecoded(body);
    return !SVG_ACTIVE_CONTENT.test(text);
  }
  return type.startsWith('image/') || FONT_TYPE.test(type);
}

/** Whether CSS may load `url` (escapes already decoded). */
export function isAllowedCssUrl(url: string): boolean {
  const plain = withoutComments(url);
  // Stricter than the URL parser, which drops tabs and newlines anywhere but other controls only at the ends: with
  // every control and space gone, "java\0script:" counts as javascript:.
  const compact = plain.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact)?.[1];
  if (scheme === undefined || scheme === 'http' || scheme === 'https') return true;
  if (scheme !== 'data') return compact === 'about:invalid';
  const comma = plain.indexOf(',');
  const header = compact.slice('data:'.length, comma < 0 ? undefined : compact.indexOf(','));
  return isAllowedDataUrl(header, comma < 0 ? '' : plain.slice(comma + 1));
}

/** Whether a CSS property name, given apart from any stylesheet, is one of the legacy hooks that loaded code. */
export function isCodeProperty(name: string): boolean {
  return HOOK_PROPERTIES.has(unescapeCss(withoutComments(name)).trim().toLowerCase());
}

/** The CSS with every reference the rule refuses, and every legacy hook, made inert; the same string when clean. */
export function sanitizeCss(css: string): string {
  if (!MAY_HOLD_REFERENCE.test(css)) return css;
  let out = '';
  let copied = 0;
  const replace = (start: number, end: number, text: string) => {
    out += css.slice(copied, start) + text;
    copied = end;
  };
  scanCss(css, {
    url: ({ start, end, url, form, bad }) => {
      if (bad || !isAllowedCssUrl(url)) replace(start, end, form === 'url' ? BLOCKED_URL : BLOCKED_STRING);
    },
    hook: ({ start, end, kind }) => replace(start, end, HOOK_REPLACEMENTS[kind]),
  });
  if (copied === 0) return css;
  const clean = out + css.slice(copied);
  return clean === css ? css : clean;
}
