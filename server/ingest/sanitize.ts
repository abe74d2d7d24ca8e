/**
 * Removes what could run code when a recording is replayed: a pure function of the events, so every rule is
 * unit-tested with tables. rrweb's replayer rebuilds recorded DOM inside the viewer's page, so anything executable
 * in a recording (a forged one, or a page's own inline handlers) must be gone before it is stored.
 *
 * - Elements that run or redirect (`script` in HTML or SVG, `base`, `meta http-equiv=refresh`) become empty comments
 *   with the same id, so siblings and later mutations that name the id still find a node in its place.
 *   Their descendants go; mutations adding to, or setting attributes on, such a node within these events go too.
 * - `on*` attributes, `srcdoc` and an `http-equiv` of refresh are removed; a URL with a scheme that runs code
 *   (`javascript:`, `vbscript:`, `data:text/html`, …) is removed from any attribute and from `srcset` candidates.
 * - CSS, wherever it travels, goes through `sanitizeCss` (sanitize-css.ts): one rule for every URL in it.
 *
 * Attribute and text mutations name their target by id only, so the walk remembers each node's tag from the
 * snapshots and added nodes of these events. A target it has not seen (one recorded in an earlier batch) is judged
 * strictly: as a document loader for URLs, as a possible refresh meta, as a stylesheet for text that could be one.
 *
 * Walks are iterative: a forged recording can nest nodes deeper than the call stack.
 */
import { RrwebEventType, RrwebIncrementalSource, type RecordedEvent } from '../../contract/protocol.ts';
import { DOCUMENT_LOADERS, isCodeUrl, isRefreshContent, isRefreshPragma, sanitizeSrcset } from './attribute-rules.ts';
import { isCodeProperty, sanitizeCss } from './sanitize-css.ts';

/** What was removed or rewritten, for logs and tests. */
export interface SanitizeCounts {
  /** script, base and meta-refresh elements replaced by comments. */
  elements: number;
  /** on*, srcdoc and refresh attributes (an http-equiv of refresh, or a refresh's content) removed. */
  attributes: number;
  /** Attribute values or srcset candidates removed for a code-running URL. */
  urls: number;
  /** CSS texts rewritten, or legacy code properties removed (see sanitize-css.ts). */
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

/** rrweb IncrementalSource values carrying CSS text (a web font's source is a CSS src value). */
const StyleSource = { StyleSheetRule: 8, Font: 10, StyleDeclaration: 13, AdoptedStyleSheet: 15 } as const;

type Fields = Record<string, unknown>;
const asFields = (value: unknown): Fields | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;

/** The lower-case local name: `svg:script` is an SVG script for createElementNS, and tag names may carry spaces. */
function localName(tagName: unknown): string {
  if (typeof tagName !== 'string') return '';
  const name = tagName.trim().toLowerCase();
  return name.slice(name.lastIndexOf(':') + 1);
}

/** Text that could change a stylesheet: without a rule block or an at-rule, CSS text loads and runs nothing. */
const mayBeStylesheet = (value: unknown): boolean => typeof value === 'string' && (value.includes('{') || value.includes('@'));

/** Elements that run code or send the replay elsewhere: replaced by comments. */
function isDangerousElement(node: Fields): boolean {
  if (node.type !== NodeType.Element) return false;
  const name = localName(node.tagName);
  if (name === 'script' || name === 'base') return true;
  if (name !== 'meta') return false;
  const attributes = asFields(node.attributes) ?? {};
  return Object.entries(attributes).some(([key, value]) => key.trim().toLowerCase() === 'http-equiv' && isRefreshPragma(value));
}

/** What the walk knows of a node id: an element's local name, or one of these for text nodes. */
const TEXT = '#text';
const STYLE_TEXT = '#style-text';
/** The parent of a snapshot's top nodes: known, and not a style element. */
const DOCUMENT = '#document';

/** One pass over the events: counts findings, and fixes them in place when `fix` is set (on a private copy). */
class Walker {
  readonly counts: SanitizeCounts = { elements: 0, attributes: 0, urls: 0, css: 0, mutations: 0 };
  /** Ids of elements replaced by comments, so mutations aimed at them are dropped. */
  private readonly removedIds = new Set<unknown>();
  /** Node id → element local name, TEXT or STYLE_TEXT, for the nodes these events have shown. */
  private readonly kinds = new Map<unknown, string>();

  constructor(private readonly fix: boolean) {}

  get changed(): boolean {
    return Object.values(this.counts).some((count) => count > 0);
  }

  event(event: RecordedEvent): void {
    const data = asFields(event.data);
    if (!data) return;
    if (event.type === RrwebEventType.FullSnapshot) {
      // A full snapshot rebuilds the document: ids seen before it name nothing on replay.
      this.kinds.clear();
      const root = this.rootNode(data.node, DOCUMENT);
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
        this.cssField(data, 'replace');
        this.cssField(data, 'replaceSync');
        return;
      case StyleSource.StyleDeclaration:
        return this.declaration(asFields(data.set));
      case StyleSource.AdoptedStyleSheet:
        for (const style of Array.isArray(data.styles) ? data.styles : []) {
          const rules = asFields(style)?.rules;
          for (const rule of Array.isArray(rules) ? rules : []) this.cssField(asFields(rule), 'rule');
        }
        return;
      case StyleSource.Font:
        // A buffer font carries bytes; otherwise fontSource is a CSS src value, url() and all.
        if (data.buffer !== true) this.cssField(data, 'fontSource');
    }
  }

  /** A style declaration event: `set` is one property and its value; a legacy code property loses the whole set. */
  private declaration(set: Fields | undefined): void {
    if (set && typeof set.property === 'string' && isCodeProperty(set.property)) {
      this.counts.css++;
      if (this.fix) set.property = 'blocked-property';
      return;
    }
    this.cssField(set, 'value');
  }

  /** rrweb applies a mutation's removes, adds, texts and attributes in that order; adds come first here too. */
  private mutation(data: Fields): void {
    if (Array.isArray(data.adds)) {
      const kept = data.adds.filter((add) => {
        const fields = asFields(add);
        if (!fields) return true;
        if (this.removedIds.has(fields.parentId)) {
          this.counts.mutations++;
          return false;
        }
        const root = this.rootNode(fields.node, this.kinds.get(fields.parentId));
        if (root !== undefined && this.fix) fields.node = root;
        return true;
      });
      if (this.fix) data.adds = kept;
    }
    for (const change of Array.isArray(data.texts) ? data.texts : []) {
      const fields = asFields(change);
      const kind = this.kinds.get(fields?.id);
      // The replayer sets the target's textContent: a style's text node, or the style element itself, takes CSS.
      if (kind === STYLE_TEXT || kind === 'style' || (kind === undefined && mayBeStylesheet(fields?.value))) this.cssField(fields, 'value');
    }
    if (Array.isArray(data.attributes)) {
      const kept = data.attributes.filter((mutation) => {
        const fields = asFields(mutation);
        if (!fields) return true;
        if (this.removedIds.has(fields.id)) {
          this.counts.mutations++;
          return false;
        }
        const kind = this.kinds.get(fields.id);
        this.attributes(asFields(fields.attributes), kind === undefined || kind.startsWith('#') ? undefined : kind, true);
        return true;
      });
      if (this.fix) data.attributes = kept;
    }
  }

  /** Walks one node tree under a parent of kind `parentKind` (undefined: unknown); returns the root's replacement. */
  private rootNode(value: unknown, parentKind: string | undefined): Fields | undefined {
    const root = asFields(value);
    if (!root) return undefined;
    if (isDangerousElement(root)) return this.replace(root);
    const pending: Array<[Fields, string | undefined]> = [[root, parentKind]];
    for (let next = pending.pop(); next; next = pending.pop()) {
      const [node, parent] = next;
      const kind = this.node(node, parent);
      if (!Array.isArray(node.childNodes)) continue;
      const children = node.childNodes as unknown[];
      for (let index = 0; index < children.length; index++) {
        const child = asFields(children[index]);
        if (!child) continue;
        if (isDangerousElement(child)) {
          const comment = this.replace(child);
          if (this.fix) children[index] = comment;
        } else {
          pending.push([child, kind]);
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

  /** Checks one node and remembers its kind, which it returns (for its children's sake). */
  private node(node: Fields, parentKind: string | undefined): string {
    if (node.type === NodeType.Element) {
      const tag = localName(node.tagName);
      this.kinds.set(node.id, tag);
      this.attributes(asFields(node.attributes), tag, false);
      return tag;
    }
    if (node.type !== NodeType.Text) return DOCUMENT;
    // rrweb marks a style's text isStyle, but a forged one need not: the parent decides, and an unknown parent counts
    // as a style whenever the text could be a stylesheet.
    const isCss = node.isStyle === true || parentKind === 'style' || (parentKind === undefined && mayBeStylesheet(node.textContent));
    this.kinds.set(node.id, isCss ? STYLE_TEXT : TEXT);
    if (isCss) this.cssField(node, 'textContent');
    return isCss ? STYLE_TEXT : TEXT;
  }

  /**
   * Full-snapshot attributes lose bad ones by deletion; mutation attributes by null, rrweb's "remove it". `tag` is
   * undefined for a mutation whose target these events have not shown.
   */
  private attributes(attributes: Fields | undefined, tag: string | undefined, isMutation: boolean): void {
    if (!attributes) return;
    const drop = (name: string) => {
      if (!this.fix) return;
      if (isMutation) attributes[name] = null;
      else delete attributes[name];
    };
    const entries = Object.entries(attributes);
    // A mutation turning a meta into a refresh loses the refresh and any content set with it.
    const refreshing = entries.some(([name, value]) => name.trim().toLowerCase() === 'http-equiv' && isRefreshPragma(value));
    for (const [name, value] of entries) {
      const key = name.trim().toLowerCase();
      if (isMutation && value === null) continue;
      if (key.startsWith('on') || key === 'srcdoc' || (key === 'http-equiv' && refreshing)) {
        this.counts.attributes++;
        drop(name);
      } else if (key === 'content' && isMutation && (refreshing || (tag === undefined && isRefreshContent(value)))) {
        // On a target not seen here, a refresh-shaped content is dropped: it may be a refresh meta from an earlier batch.
        this.counts.attributes++;
        drop(name);
      } else if (key === 'style' && asFields(value)) {
        this.styleDiff(asFields(value)!);
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
      } else if (isCodeUrl(value, tag === undefined || DOCUMENT_LOADERS.has(tag) || key.endsWith('href'))) {
        this.counts.urls++;
        drop(name);
      }
    }
  }

  /** A mutation's style diff: property → value, [value, priority] or false (removed). */
  private styleDiff(diff: Fields): void {
    for (const [property, change] of Object.entries(diff)) {
      if (change === false) continue;
      if (isCodeProperty(property)) {
        this.counts.css++;
        if (this.fix) delete diff[property];
        continue;
      }
      const text = Array.isArray(change) ? change[0] : change;
      if (typeof text !== 'string' || sanitizeCss(text) === text) continue;
      this.counts.css++;
      if (this.fix) diff[property] = Array.isArray(change) ? [sanitizeCss(text), ...change.slice(1)] : sanitizeCss(text);
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
