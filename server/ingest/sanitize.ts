/**
 * Removes what could run code when a recording is replayed: a pure function of the events, so every rule is
 * unit-tested with tables. rrweb's replayer rebuilds recorded DOM inside the viewer's page, so anything executable
 * in a recording (a forged one, or a page's own inline handlers) must be gone before it is stored.
 *
 * - Elements that run or redirect (`script` in HTML or SVG, `base`, `meta http-equiv=refresh`) become empty comments
 *   with the same id, so siblings and later mutations that name the id still find a node in its place.
 *   Their descendants go; mutations adding to, or setting attributes on, such a node within these events go too.
 * - `on*` attributes and `srcdoc` are removed; a URL with a scheme that runs code (`javascript:`, `vbscript:`,
 *   `data:text/html`, …) is removed from any attribute, from `srcset` candidates and from CSS `url()`.
 * - CSS (`style`, `_cssText`, style text nodes, stylesheet rule events) loses `expression(` and `url(javascript:…)`.
 *
 * Walks are iterative: a forged recording can nest nodes deeper than the call stack.
 */
import { RrwebEventType, RrwebIncrementalSource, type RecordedEvent } from '../../contract/protocol.ts';

/** What was removed or rewritten, for logs and tests. */
export interface SanitizeCounts {
  /** script, base and meta-refresh elements replaced by comments. */
  elements: number;
  /** on* and srcdoc attributes removed. */
  attributes: number;
  /** Attribute values or srcset candidates removed for a code-running URL. */
  urls: number;
  /** CSS texts rewritten (expression(), url() with a code-running scheme). */
  css: number;
  /** Mutations dropped because they targeted a removed element. */
  mutations: number;
}

export interface SanitizeResult {
  /** The input array itself when nothing needed removing, else a sanitized copy (the input is never changed). */
  events: RecordedEvent[];
  counts: SanitizeCounts;
  /** True when anything was removed or rewritten. */
  changed: boolean;
}

/** rrweb's serialized node types (rrweb-snapshot NodeType). */
const NodeType = { Element: 2, Text: 3, Comment: 5 } as const;

/** rrweb IncrementalSource values carrying CSS text. */
const StyleSource = { StyleSheetRule: 8, StyleDeclaration: 13, AdoptedStyleSheet: 15 } as const;

type Fields = Record<string, unknown>;
const asFields = (value: unknown): Fields | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;

/** URL schemes that run code when navigated to or loaded as a document. */
const CODE_SCHEMES = ['javascript:', 'vbscript:', 'livescript:', 'data:text/html', 'data:application/xhtml', 'data:text/xml', 'data:application/xml'];
/** SVG documents run scripts when loaded as documents (not as images), so only these elements block them. */
const DOCUMENT_LOADERS: ReadonlySet<string> = new Set(['iframe', 'frame', 'object', 'embed']);

/** Browsers ignore ASCII whitespace and control characters inside a URL's scheme, so "java\tscript:" still runs. */
function isCodeUrl(value: string, blockSvg = false): boolean {
  const compact = value.replace(/[\u0000-\u0020\u007f]+/g, '').toLowerCase();
  if (CODE_SCHEMES.some((scheme) => compact.startsWith(scheme))) return true;
  return blockSvg && compact.startsWith('data:image/svg');
}

/** CSS escapes (`\6a`, `\j`) spelled out, so `url(\6a avascript:…)` is recognized. */
function unescapeCss(text: string): string {
  return text.replace(/\\([0-9a-f]{1,6}\s?|[^\n0-9a-f])/gi, (_, escape: string) => {
    const hex = escape.trim();
    return /^[0-9a-f]+$/i.test(hex) ? String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff)) : escape;
  });
}

/** url("…"), url('…') or url(…); unquoted URLs may hold one level of parentheses, as `javascript:alert(1)` does. */
const CSS_URL = /url\(\s*(?:(["'])(.*?)\1|((?:[^()"']|\([^()]*\))*?))\s*\)/gis;
const urlOf = (match: RegExpMatchArray | string[]): string => match[2] ?? match[3] ?? '';
const CSS_EXPRESSION = /expression\s*\(/i;
/** What replaces a blocked url(): a URL that loads nothing. */
const BLOCKED_CSS_URL = 'url("about:invalid")';

/** The CSS with code-running url()s and IE's expression() removed; the same string when nothing was found. */
export function sanitizeCss(css: string): string {
  const withoutComments = css.includes('/*') ? css.replace(/\/\*[\s\S]*?\*\//g, '') : css;
  const plain = withoutComments.includes('\\') ? unescapeCss(withoutComments) : withoutComments;
  const hasCodeUrl = [...plain.matchAll(CSS_URL)].some((match) => isCodeUrl(urlOf(match)));
  // Legacy behaviours (-moz-binding, behavior:) load code too; blocked with expression().
  const hasExpression = CSS_EXPRESSION.test(plain) || /-moz-binding|behavior\s*:/i.test(plain);
  if (!hasCodeUrl && !hasExpression) return css;
  // Rewrite the unescaped text: escapes were how the payload hid, and plain CSS loses nothing by it.
  return plain
    .replace(CSS_URL, (whole: string, ...groups: string[]) => (isCodeUrl(urlOf([whole, ...groups])) ? BLOCKED_CSS_URL : whole))
    .replace(/expression\s*\(/gi, 'blocked(')
    .replace(/-moz-binding/gi, '-blocked-binding')
    .replace(/behavior\s*:/gi, 'blocked-behavior:');
}

/** The srcset without candidates whose URL runs code; null when none is left. */
function sanitizeSrcset(srcset: string): string | null {
  const candidates = srcset.split(',').filter((candidate) => !isCodeUrl(candidate.trim()));
  return candidates.length > 0 ? candidates.join(',') : null;
}

/** The lower-case local name: `svg:script` is an SVG script for createElementNS, and tag names may carry spaces. */
function localName(tagName: unknown): string {
  if (typeof tagName !== 'string') return '';
  const name = tagName.trim().toLowerCase();
  return name.slice(name.lastIndexOf(':') + 1);
}

/** Elements that run code or send the replay elsewhere: replaced by comments. */
function isDangerousElement(node: Fields): boolean {
  if (node.type !== NodeType.Element) return false;
  const name = localName(node.tagName);
  if (name === 'script' || name === 'base') return true;
  if (name !== 'meta') return false;
  const attributes = asFields(node.attributes) ?? {};
  return Object.entries(attributes).some(
    ([key, value]) => key.toLowerCase() === 'http-equiv' && typeof value === 'string' && value.trim().toLowerCase() === 'refresh',
  );
}

/** One pass over the events: counts findings, and fixes them in place when `fix` is set (on a private copy). */
class Walker {
  readonly counts: SanitizeCounts = { elements: 0, attributes: 0, urls: 0, css: 0, mutations: 0 };
  /** Ids of elements replaced by comments, so mutations aimed at them are dropped. */
  private readonly removedIds = new Set<unknown>();

  constructor(private readonly fix: boolean) {}

  get changed(): boolean {
    return Object.values(this.counts).some((count) => count > 0);
  }

  event(event: RecordedEvent): void {
    const data = asFields(event.data);
    if (!data) return;
    if (event.type === RrwebEventType.FullSnapshot) {
      const root = this.rootNode(data.node);
      if (root !== undefined && this.fix) data.node = root;
    } else if (event.type === RrwebEventType.IncrementalSnapshot) {
      this.incremental(data);
    }
  }

  private incremental(data: Fields): void {
    switch (data.source) {
      case RrwebIncrementalSource.Mutation:
        return this.mutation(data);
      case StyleSource.StyleSheetRule:
        for (const add of Array.isArray(data.adds) ? data.adds : []) this.cssField(asFields(add), 'rule');
        return;
      case StyleSource.StyleDeclaration:
        this.cssField(asFields(data.set), 'value');
        return;
      case StyleSource.AdoptedStyleSheet:
        for (const style of Array.isArray(data.styles) ? data.styles : []) {
          const rules = asFields(style)?.rules;
          for (const rule of Array.isArray(rules) ? rules : []) this.cssField(asFields(rule), 'rule');
        }
    }
  }

  private mutation(data: Fields): void {
    if (Array.isArray(data.adds)) {
      const kept = data.adds.filter((add) => {
        const fields = asFields(add);
        if (!fields) return true;
        if (this.removedIds.has(fields.parentId)) {
          this.counts.mutations++;
          return false;
        }
        const root = this.rootNode(fields.node);
        if (root !== undefined && this.fix) fields.node = root;
        return true;
      });
      if (this.fix) data.adds = kept;
    }
    if (Array.isArray(data.attributes)) {
      const kept = data.attributes.filter((mutation) => {
        const fields = asFields(mutation);
        if (!fields) return true;
        if (this.removedIds.has(fields.id)) {
          this.counts.mutations++;
          return false;
        }
        // The element's tag is not in the mutation; assume the strictest (a document loader).
        this.attributes(asFields(fields.attributes), 'iframe', true);
        return true;
      });
      if (this.fix) data.attributes = kept;
    }
  }

  /** Walks one node tree; returns the replacement when the root itself must go. */
  private rootNode(value: unknown): Fields | undefined {
    const root = asFields(value);
    if (!root) return undefined;
    if (isDangerousElement(root)) return this.replace(root);
    const pending: Fields[] = [root];
    for (let node = pending.pop(); node; node = pending.pop()) {
      this.node(node);
      if (!Array.isArray(node.childNodes)) continue;
      const children = node.childNodes as unknown[];
      for (let index = 0; index < children.length; index++) {
        const child = asFields(children[index]);
        if (!child) continue;
        if (isDangerousElement(child)) {
          const comment = this.replace(child);
          if (this.fix) children[index] = comment;
        } else {
          pending.push(child);
        }
      }
    }
    return undefined;
  }

  private replace(node: Fields): Fields {
    this.counts.elements++;
    this.removedIds.add(node.id);
    return { type: NodeType.Comment, textContent: '', id: node.id };
  }

  private node(node: Fields): void {
    if (node.type === NodeType.Element) {
      this.attributes(asFields(node.attributes), localName(node.tagName), false);
    } else if (node.type === NodeType.Text && node.isStyle === true) {
      this.cssField(node, 'textContent');
    }
  }

  /** Full-snapshot attributes lose bad ones by deletion; mutation attributes by null, rrweb's "remove it". */
  private attributes(attributes: Fields | undefined, tag: string, isMutation: boolean): void {
    if (!attributes) return;
    const drop = (name: string) => {
      if (!this.fix) return;
      if (isMutation) attributes[name] = null;
      else delete attributes[name];
    };
    for (const [name, value] of Object.entries(attributes)) {
      const key = name.toLowerCase();
      if (key.startsWith('on') || key === 'srcdoc') {
        if (isMutation && value === null) continue;
        this.counts.attributes++;
        drop(name);
      } else if (key === 'style' && asFields(value)) {
        // A mutation's style diff: property → value, [value, priority] or false.
        const diff = asFields(value)!;
        for (const [property, change] of Object.entries(diff)) {
          const text = Array.isArray(change) ? change[0] : change;
          if (typeof text !== 'string' || sanitizeCss(text) === text) continue;
          this.counts.css++;
          if (this.fix) diff[property] = Array.isArray(change) ? [sanitizeCss(text), ...change.slice(1)] : sanitizeCss(text);
        }
      } else if (typeof value !== 'string') {
        continue;
      } else if (key === 'style' || key === '_csstext') {
        this.cssField(attributes, name);
      } else if (key === 'srcset' || key === 'imagesrcset') {
        const kept = sanitizeSrcset(value);
        if (kept === value) continue;
        this.counts.urls++;
        if (kept === null) drop(name);
        else if (this.fix) attributes[name] = kept;
      } else if (isCodeUrl(value, DOCUMENT_LOADERS.has(tag) || key.endsWith('href'))) {
        this.counts.urls++;
        drop(name);
      }
    }
  }

  private cssField(holder: Fields | undefined, field: string): void {
    const css = holder?.[field];
    if (typeof css !== 'string') return;
    const clean = sanitizeCss(css);
    if (clean === css) return;
    this.counts.css++;
    if (this.fix) holder![field] = clean;
  }
}

/**
 * A deep copy of parsed JSON. Iterative, unlike structuredClone, for deeply nested recordings; keys are defined,
 * not assigned, so an own `__proto__` key stays a plain key instead of replacing the copy's prototype.
 */
function cloneJson(value: unknown): unknown {
  const copyOf = (source: object): object => (Array.isArray(source) ? new Array(source.length) : {});
  if (typeof value !== 'object' || value === null) return value;
  const root = copyOf(value);
  const pending: Array<[object, object]> = [[value, root]];
  for (let pair = pending.pop(); pair; pair = pending.pop()) {
    const [source, target] = pair;
    for (const [key, child] of Object.entries(source)) {
      const copy = typeof child === 'object' && child !== null ? copyOf(child) : child;
      Object.defineProperty(target, key, { value: copy, writable: true, enumerable: true, configurable: true });
      if (copy !== child) pending.push([child as object, copy as object]);
    }
  }
  return root;
}

/** The events without anything that could run on replay; the input is never changed. */
export function sanitizeEvents(events: readonly RecordedEvent[]): SanitizeResult {
  // A first pass only counts: most batches are clean and are then stored without a copy.
  const survey = new Walker(false);
  for (const event of events) survey.event(event);
  if (!survey.changed) return { events: events as RecordedEvent[], counts: survey.counts, changed: false };
  const copy = cloneJson(events) as RecordedEvent[];
  const fixer = new Walker(true);
  for (const event of copy) fixer.event(event);
  return { events: copy, counts: fixer.counts, changed: true };
}
