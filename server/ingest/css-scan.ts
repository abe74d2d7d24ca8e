/**
 * Finds, in one left-to-right pass, what a browser would load or run from CSS text: every URL reference and the
 * legacy hooks that once ran code. The sanitizer judges what it finds and the asset proxy maps it, so both read a
 * stylesheet exactly alike.
 *
 * It follows CSS Syntax Level 3's tokenizer where that decides what a URL is: comments end a token; escapes are
 * read in names, strings and URLs (so `\75 rl(` opens a url() and `\6a avascript:` is `javascript:`); an unquoted
 * url() ends at `)`, and a quote, parenthesis or inner space makes it a bad url (which browsers drop). No regular
 * expression runs over the text and nothing is read more than twice, so a forged stylesheet costs linear time.
 */

/** One URL the browser may load. */
export interface CssUrl {
  /** Where the reference starts in the text. */
  start: number;
  /** Where it ends (exclusive). */
  end: number;
  /** The URL as the browser reads it: escapes decoded, surrounding space dropped. */
  url: string;
  /** `url` when start…end is a whole `url(…)`; `string` when it is a string alone (`@import "…"`, `image-set("…")`). */
  form: 'url' | 'string';
  /** A url() or string the browser rejects as malformed (it loads nothing; older engines read them loosely). */
  bad: boolean;
}

/** Legacy ways CSS ran code: IE's `expression(` and `behavior:`, old Firefox's `-moz-binding:`. */
export type CssHookKind = 'expression' | 'binding' | 'behavior';

/** A hook's name: start…end covers the name only (and any comments splitting it), not a parenthesis or colon. */
export interface CssHook {
  start: number;
  end: number;
  kind: CssHookKind;
}

export interface CssVisitor {
  url(reference: CssUrl): void;
  hook(hook: CssHook): void;
}

/** Functions whose direct string arguments are URLs (CSS Images 4 and Values 4). */
const URL_FUNCTIONS: ReadonlySet<string> = new Set(['image-set', '-webkit-image-set', 'image', 'src']);
/** Property names that loaded code, matched after escapes are decoded. */
export const HOOK_PROPERTIES: ReadonlyMap<string, CssHookKind> = new Map([
  ['-moz-binding', 'binding'],
  ['behavior', 'behavior'],
  ['-ms-behavior', 'behavior'],
]);

const enum Char {
  Tab = 0x09,
  Newline = 0x0a,
  FormFeed = 0x0c,
  Return = 0x0d,
  Space = 0x20,
  DoubleQuote = 0x22,
  SingleQuote = 0x27,
  OpenParen = 0x28,
  CloseParen = 0x29,
  Star = 0x2a,
  Slash = 0x2f,
  Colon = 0x3a,
  At = 0x40,
  Backslash = 0x5c,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

const isWhitespace = (c: number) => c === Char.Space || c === Char.Tab || c === Char.Newline || c === Char.FormFeed || c === Char.Return;
const isNewline = (c: number) => c === Char.Newline || c === Char.FormFeed || c === Char.Return;
const isHexDigit = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
/** Letters, digits, `-` and `_` (and anything beyond ASCII): a name, or a number with its unit (`1url` is no url). */
const ASCII_NAME_CHARS = new Uint8Array(128).map((_, c) =>
  Number((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f),
);
const isNameChar = (c: number) => (c < 0x80 ? ASCII_NAME_CHARS[c] === 1 : !Number.isNaN(c));
/** Characters that make an unquoted url() bad: controls other than whitespace, and DELETE. */
const isNonPrintable = (c: number) => (c >= 0 && c <= 0x08) || c === 0x0b || (c >= 0x0e && c <= 0x1f) || c === 0x7f;

interface Read {
  end: number;
  value: string;
}

/** Decodes every CSS escape in `text` (for callers that hold a value outside a stylesheet, such as a property name). */
export function unescapeCss(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  let segment = 0;
  for (let index = 0; index < text.length; ) {
    if (text.charCodeAt(index) === Char.Backslash && startsEscape(text, index)) {
      const escape = readEscape(text, index);
      out += text.slice(segment, index) + escape.value;
      index = segment = escape.end;
    } else {
      index++;
    }
  }
  return out + text.slice(segment);
}

/** A backslash starts an escape unless a newline or the end of the text follows it. */
function startsEscape(css: string, index: number): boolean {
  return css.charCodeAt(index) === Char.Backslash && index + 1 < css.length && !isNewline(css.charCodeAt(index + 1));
}

/** The escape at `index` (a backslash): up to six hex digits and one whitespace, or the next character itself. */
function readEscape(css: string, index: number): Read {
  let position = index + 1;
  if (!isHexDigit(css.charCodeAt(position))) {
    const codePoint = css.codePointAt(position)!;
    return { end: position + (codePoint > 0xffff ? 2 : 1), value: String.fromCodePoint(codePoint) };
  }
  const digitsStart = position;
  while (position < css.length && position - digitsStart < 6 && isHexDigit(css.charCodeAt(position))) position++;
  const codePoint = parseInt(css.slice(digitsStart, position), 16);
  if (css.charCodeAt(position) === Char.Return && css.charCodeAt(position + 1) === Char.Newline) position += 2;
  else if (isWhitespace(css.charCodeAt(position))) position++;
  const valid = codePoint > 0 && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff);
  return { end: position, value: valid ? String.fromCodePoint(codePoint) : '\ufffd' };
}

/** Where a name (identifier, function name, at-keyword or unit) from `index` ends, and whether it holds escapes. */
interface NameSpan {
  end: number;
  escaped: boolean;
}

/** Reads the name at `index` into `span` (reused: names are most of a stylesheet, and most are never looked at). */
function scanName(css: string, index: number, span: NameSpan): void {
  let position = index;
  span.escaped = false;
  while (position < css.length) {
    if (isNameChar(css.charCodeAt(position))) {
      position++;
    } else if (startsEscape(css, position)) {
      span.escaped = true;
      position = readEscape(css, position).end;
    } else {
      break;
    }
  }
  span.end = position;
}

/** The lower-case text of the name at start…end. */
const nameText = (css: string, start: number, end: number, escaped: boolean) =>
  (escaped ? unescapeCss(css.slice(start, end)) : css.slice(start, end)).toLowerCase();

/** The end of the string whose opening quote is at `index`, for strings whose value nobody needs. */
function skipString(css: string, index: number): number {
  const quote = css.charCodeAt(index);
  let position = index + 1;
  while (position < css.length) {
    const c = css.charCodeAt(position);
    if (c === quote) return position + 1;
    if (isNewline(c)) return position;
    if (c !== Char.Backslash) position++;
    else if (css.charCodeAt(position + 1) === Char.Return && css.charCodeAt(position + 2) === Char.Newline) position += 3;
    else position += 2;
  }
  return css.length;
}

/** A string from its opening quote; `bad` when a newline ends it first. */
function readString(css: string, index: number): Read & { bad: boolean } {
  const quote = css.charCodeAt(index);
  let value = '';
  let segment = index + 1;
  let position = index + 1;
  while (position < css.length) {
    const c = css.charCodeAt(position);
    if (c === quote) return { end: position + 1, value: value + css.slice(segment, position), bad: false };
    if (isNewline(c)) return { end: position, value: value + css.slice(segment, position), bad: true };
    if (c !== Char.Backslash) {
      position++;
      continue;
    }
    value += css.slice(segment, position);
    const next = css.charCodeAt(position + 1);
    if (position + 1 >= css.length) position++;
    else if (next === Char.Return && css.charCodeAt(position + 2) === Char.Newline) position += 3;
    else if (isNewline(next)) position += 2;
    else {
      const escape = readEscape(css, position);
      value += escape.value;
      position = escape.end;
    }
    segment = position;
  }
  return { end: position, value: value + css.slice(segment, position), bad: false };
}

/** The first position from `index` that is neither whitespace nor inside a comment. */
function skipSpaceAndComments(css: string, index: number): number {
  let position = index;
  while (position < css.length) {
    if (isWhitespace(css.charCodeAt(position))) position++;
    else if (css.charCodeAt(position) === Char.Slash && css.charCodeAt(position + 1) === Char.Star) position = commentEnd(css, position);
    else break;
  }
  return position;
}

function commentEnd(css: string, index: number): number {
  const close = css.indexOf('*/', index + 2);
  return close < 0 ? css.length : close + 2;
}

/**
 * Reads a url( whose `(` ends at `open`, starting at `start` (the `u`). Reports the reference and returns where
 * scanning goes on, and whether a url( function is left open (a quoted URL followed by modifiers).
 */
function readUrl(css: string, start: number, open: number, visitor: CssVisitor): { end: number; leftOpen: boolean } {
  let position = open;
  while (position < css.length && isWhitespace(css.charCodeAt(position))) position++;
  const quote = css.charCodeAt(position);
  if (quote === Char.DoubleQuote || quote === Char.SingleQuote) {
    const string = readString(css, position);
    const close = skipSpaceAndComments(css, string.end);
    if (css.charCodeAt(close) === Char.CloseParen) {
      visitor.url({ start, end: close + 1, url: string.value.trim(), form: 'url', bad: string.bad });
      return { end: close + 1, leftOpen: false };
    }
    visitor.url({ start: position, end: string.end, url: string.value.trim(), form: 'string', bad: string.bad });
    return { end: string.end, leftOpen: true };
  }
  let value = '';
  let segment = position;
  while (position < css.length) {
    const c = css.charCodeAt(position);
    if (c === Char.CloseParen) {
      visitor.url({ start, end: position + 1, url: value + css.slice(segment, position), form: 'url', bad: false });
      return { end: position + 1, leftOpen: false };
    }
    if (isWhitespace(c)) {
      const after = skipWhitespace(css, position);
      if (after >= css.length || css.charCodeAt(after) === Char.CloseParen) {
        const end = Math.min(after + 1, css.length);
        visitor.url({ start, end, url: value + css.slice(segment, position), form: 'url', bad: false });
        return { end, leftOpen: false };
      }
      break;
    }
    if (c === Char.DoubleQuote || c === Char.SingleQuote || c === Char.OpenParen || isNonPrintable(c)) break;
    if (c === Char.Backslash) {
      if (!startsEscape(css, position)) break;
      const escape = readEscape(css, position);
      value += css.slice(segment, position) + escape.value;
      position = segment = escape.end;
      continue;
    }
    position++;
  }
  if (position >= css.length) {
    visitor.url({ start, end: css.length, url: value + css.slice(segment), form: 'url', bad: false });
    return { end: css.length, leftOpen: false };
  }
  // A bad url. The browser ends it at the next `)`; this reads on to the `)` that balances its `url(` (or up to a
  // brace, so a typo cannot swallow the rules after it), so a payload like `url(javascript:a('x');b())` goes whole.
  // Either way, once the bad url is replaced by a good one, the text after it is read alike here and in the browser.
  for (let depth = 0; position < css.length; ) {
    const c = css.charCodeAt(position);
    if (c === Char.OpenBrace || c === Char.CloseBrace) {
      visitor.url({ start, end: position, url: unescapeCss(css.slice(open, position)).trim(), form: 'url', bad: true });
      return { end: position, leftOpen: false };
    }
    if (c === Char.CloseParen && depth === 0) break;
    if (c === Char.OpenParen) depth++;
    else if (c === Char.CloseParen) depth--;
    position = startsEscape(css, position) ? readEscape(css, position).end : position + 1;
  }
  const end = Math.min(position + 1, css.length);
  const inner = css.slice(open, position);
  visitor.url({ start, end, url: unescapeCss(inner).trim(), form: 'url', bad: true });
  return { end, leftOpen: false };
}

function skipWhitespace(css: string, index: number): number {
  let position = index;
  while (position < css.length && isWhitespace(css.charCodeAt(position))) position++;
  return position;
}

/**
 * Text that matches none of these holds nothing `scanCss` would report, so callers may skip the scan: every report
 * needs one of these names (an escape or a comment can hide one, so those count too). Literals only: linear.
 */
export const MAY_HOLD_REFERENCE = /url\(|image(?:-set)?\(|src\(|@import|expression|binding|behavior|\\|\/\*/i;

/** Lengths of the names that mean something here: any other name that holds no escape is never copied. */
const MEANINGFUL_LENGTHS: ReadonlySet<number> = new Set(
  [...URL_FUNCTIONS, ...HOOK_PROPERTIES.keys(), 'url', 'expression', 'import'].map((name) => name.length),
);
/** A run of names longer than this can mean nothing, however it goes on: it is dropped (and never grows unbounded). */
const LONGEST_MEANINGFUL = Math.max(...MEANINGFUL_LENGTHS);

/** The lower-case text of a name that starts a run, if it is short enough to begin a meaningful one. */
function meaningfulRunStart(css: string, start: number, end: number, escaped: boolean): string | undefined {
  if (!escaped && end - start > LONGEST_MEANINGFUL) return undefined;
  const text = nameText(css, start, end, escaped);
  return text.length > LONGEST_MEANINGFUL ? undefined : text;
}

/** The lower-case text a name adds to a run of `runText`, if the two together could still mean something. */
function meaningfulText(css: string, start: number, end: number, escaped: boolean, runText: string): string | undefined {
  if (!escaped && runText === '' && !MEANINGFUL_LENGTHS.has(end - start)) return undefined;
  if (!escaped && runText.length + end - start > LONGEST_MEANINGFUL) return undefined;
  const text = runText + nameText(css, start, end, escaped);
  return text.length > LONGEST_MEANINGFUL ? undefined : text;
}

/** Reports every URL reference and legacy hook in `css` to `visitor`, in the order they appear. */
export function scanCss(css: string, visitor: CssVisitor): void {
  // Per open parenthesis: whether its direct string arguments are URLs (image-set() and friends).
  const open: boolean[] = [];
  let importPending = false;
  // Names split only by comments read as one (`expr/**/ession(`), as old IE read them: where the run starts (-1 for
  // no run), and its text so far.
  let runStart = -1;
  let runText = '';
  const name: NameSpan = { end: 0, escaped: false };
  let position = 0;
  while (position < css.length) {
    const c = css.charCodeAt(position);
    if (c === Char.Slash && css.charCodeAt(position + 1) === Char.Star) {
      position = commentEnd(css, position);
      continue;
    }
    if (isNameChar(c) || startsEscape(css, position)) {
      const nameStart = position;
      scanName(css, nameStart, name);
      position = name.end;
      importPending = false;
      const start = runStart >= 0 ? runStart : nameStart;
      const lower = meaningfulText(css, nameStart, position, name.escaped, runText);
      const joinable = runStart < 0 || lower !== undefined;
      runStart = -1;
      runText = '';
      if (css.charCodeAt(position) === Char.OpenParen) {
        if (lower === 'url') {
          const url = readUrl(css, start, position + 1, visitor);
          if (url.leftOpen) open.push(false);
          position = url.end;
        } else {
          if (lower === 'expression') visitor.hook({ start, end: position, kind: 'expression' });
          open.push(lower !== undefined && URL_FUNCTIONS.has(lower));
          position++;
        }
        continue;
      }
      // Old IE also read `expression (…)` with space before the parenthesis, and a hook is a property name.
      const hook = lower === undefined ? undefined : lower === 'expression' ? 'expression' : HOOK_PROPERTIES.get(lower);
      if (hook && css.charCodeAt(skipSpaceAndComments(css, position)) === (hook === 'expression' ? Char.OpenParen : Char.Colon)) {
        visitor.hook({ start, end: position, kind: hook });
      } else if (joinable && css.charCodeAt(position) === Char.Slash && css.charCodeAt(position + 1) === Char.Star) {
        const text = lower ?? meaningfulRunStart(css, nameStart, position, name.escaped);
        if (text !== undefined) {
          runStart = start;
          runText = text;
        }
      }
      continue;
    }
    runStart = -1;
    runText = '';
    if (c === Char.DoubleQuote || c === Char.SingleQuote) {
      if (importPending || open[open.length - 1] === true) {
        const string = readString(css, position);
        visitor.url({ start: position, end: string.end, url: string.value.trim(), form: 'string', bad: string.bad });
        position = string.end;
      } else {
        position = skipString(css, position);
      }
      importPending = false;
    } else if (c === Char.At && (isNameChar(css.charCodeAt(position + 1)) || startsEscape(css, position + 1))) {
      scanName(css, position + 1, name);
      importPending = nameText(css, position + 1, name.end, name.escaped) === 'import';
      position = name.end;
    } else {
      if (c === Char.OpenParen) open.push(false);
      else if (c === Char.CloseParen) open.pop();
      if (!isWhitespace(c)) importPending = false;
      position++;
    }
  }
}
