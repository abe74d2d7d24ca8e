/**
 * Points the asset URLs of recorded events at the asset proxy, for replays in `public` or `proxy` mode. Pure, and copy on
 * write: an event, node or attribute map that changes is a new object, everything else is shared, and the input is
 * never modified (the events a route serves are the stored ones).
 *
 * What is rewritten, through the `MapUrl` (which keeps only URLs the project's mode accepts):
 * - `src` of img, source and input type=image, `poster` of video, `srcset` and `imagesrcset`, `href` of link
 *   rel=stylesheet, icon or preload and of SVG image, and the legacy `background` attribute;
 * - CSS (`url()`, `@import` and `image-set()` strings): `style` attributes (strings, and the property maps of style
 *   mutations), `_cssText` of inlined stylesheets, the text of style elements (snapshots, added nodes and text
 *   mutations of known style text), stylesheet-rule, style-declaration and adopted-stylesheet events, and
 *   non-buffer font sources.
 * Attribute mutations are rewritten like snapshots, so an image whose src or srcset a lazy loader sets later loads
 * through the proxy too.
 * An attribute mutation names only a node id: its tag is known when the node was seen earlier in the same events;
 * for an unknown node `src`, `srcset`, `poster` and CSS are mapped, `href` is not (it may be a plain link).
 */
import { RrwebEventType, RrwebIncrementalSource, type RecordedEvent } from '../../contract/protocol.ts';
import { parseAssetUrl, type MapUrl } from './asset-urls.ts';
import { rewriteCss, rewriteSrcset } from './css-urls.ts';

/** rrweb-snapshot's NodeType values used here. */
const NodeType = { Element: 2, Text: 3 } as const;
/** rrweb IncrementalSource values carrying CSS or URLs, beyond those protocol.ts names. */
const Source = { StyleSheetRule: 8, Font: 10, StyleDeclaration: 13, AdoptedStyleSheet: 15 } as const;

type Fields = Record<string, unknown>;
const asFields = (value: unknown): Fields | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;

/** Elements whose `src` loads an image (input type=image included; the proxy refuses anything but images anyway). */
const SRC_TAGS: ReadonlySet<string> = new Set(['img', 'source', 'input']);
const SRCSET_TAGS: ReadonlySet<string> = new Set(['img', 'source', 'link']);

function isAssetLink(rel: unknown): boolean {
  if (typeof rel !== 'string') return false;
  return rel
    .toLowerCase()
    .split(/\s+/)
    .some((token) => token === 'stylesheet' || token === 'preload' || token.endsWith('icon'));
}

function localName(tagName: unknown): string {
  if (typeof tagName !== 'string') return '';
  const name = tagName.trim().toLowerCase();
  return name.slice(name.lastIndexOf(':') + 1);
}

/** What the walk remembers of an element, for attribute mutations that name only its id. */
interface KnownElement {
  tag: string;
  rel: unknown;
}

class AssetRewriter {
  private readonly elements = new Map<unknown, KnownElement>();
  private readonly styleTexts = new Set<unknown>();

  constructor(private readonly map: MapUrl) {}

  event(event: RecordedEvent): RecordedEvent {
    // asFields(event) too: an imported or hand-edited chunk may hold anything.
    const data = asFields(asFields(event)?.data);
    if (!data) return event;
    let next: Fields = data;
    if (event.type === RrwebEventType.FullSnapshot) {
      // rrweb rebuilds its id mirror on every full snapshot: ids seen before may now name other nodes.
      this.elements.clear();
      this.styleTexts.clear();
      next = this.withField(data, 'node', this.node(data.node, ''));
    } else if (event.type === RrwebEventType.IncrementalSnapshot) {
      next = this.incremental(data);
    }
    return next === data ? event : { ...event, data: next };
  }

  private incremental(data: Fields): Fields {
    switch (data.source) {
      case RrwebIncrementalSource.Mutation:
        return this.mutation(data);
      case Source.StyleSheetRule: {
        let next = this.withField(data, 'adds', this.list(data.adds, (add) => this.cssIn(add, 'rule')));
        next = this.withField(next, 'replace', this.css(next.replace));
        return this.withField(next, 'replaceSync', this.css(next.replaceSync));
      }
      case Source.StyleDeclaration:
        return this.withField(data, 'set', this.cssIn(data.set, 'value'));
      case Source.AdoptedStyleSheet:
        return this.withField(
          data,
          'styles',
          this.list(data.styles, (style) => {
            const fields = asFields(style);
            return fields ? this.withField(fields, 'rules', this.list(fields.rules, (rule) => this.cssIn(rule, 'rule'))) : style;
          }),
        );
      case Source.Font:
        // A buffer font's source is its bytes as JSON; otherwise it is a CSS src such as url("…").
        return data.buffer === true ? data : this.withField(data, 'fontSource', this.css(data.fontSource));
      default:
        return data;
    }
  }

  private mutation(data: Fields): Fields {
    // Adds first: a text mutation in the same event may name a style text node added here.
    let next = this.withField(data, 'adds', this.list(data.adds, (add) => {
      const fields = asFields(add);
      if (!fields) return add;
      const parent = this.elements.get(fields.parentId);
      return this.withField(fields, 'node', this.node(fields.node, parent?.tag ?? ''));
    }));
    next = this.withField(next, 'attributes', this.list(next.attributes, (change) => {
      const fields = asFields(change);
      const attributes = asFields(fields?.attributes);
      if (!fields || !attributes) return change;
      const known = this.elements.get(fields.id);
      if (known && typeof attributes.rel === 'string') known.rel = attributes.rel;
      return this.withField(fields, 'attributes', this.attributes(attributes, known));
    }));
    return this.withField(next, 'texts', this.list(next.texts, (change) => {
      const fields = asFields(change);
      return fields && this.styleTexts.has(fields.id) ? this.cssIn(fields, 'value') : change;
    }));
  }

  /**
   * One serialized node and its subtree. Recursive: stored recordings passed ingest's nesting cap (512 JSON
   * levels), far inside the call stack.
   */
  private node(value: unknown, parentTag: string): unknown {
    const node = asFields(value);
    if (!node) return value;
    let next = node;
    let tag = '';
    if (node.type === NodeType.Element) {
      tag = localName(node.tagName);
      const attributes = asFields(node.attributes);
      const known = { tag, rel: attributes?.rel };
      this.elements.set(node.id, known);
      if (attributes) next = this.withField(node, 'attributes', this.attributes(attributes, known));
    } else if (node.type === NodeType.Text && (node.isStyle === true || parentTag === 'style')) {
      this.styleTexts.add(node.id);
      next = this.withField(node, 'textContent', this.css(node.textContent));
    }
    return this.withField(next, 'childNodes', this.list(node.childNodes, (child) => this.node(child, tag)));
  }

  /** Snapshot attributes, or a mutation's changed ones (`known` undefined when the node was not seen). */
  private attributes(attributes: Fields, known: KnownElement | undefined): Fields {
    let next = attributes;
    for (const [name, value] of Object.entries(attributes)) {
      const key = name.toLowerCase();
      let rewritten: unknown = value;
      if (key === 'style' && asFields(value)) {
        rewritten = this.styleDiff(asFields(value)!);
      } else if (typeof value !== 'string') {
        continue;
      } else if (key === 'style' || key === '_csstext') {
        rewritten = this.css(value);
      } else if (key === 'srcset' || key === 'imagesrcset') {
        if (!known || SRCSET_TAGS.has(known.tag)) rewritten = rewriteSrcset(value, this.map);
      } else if (this.isUrlAttribute(key, known)) {
        rewritten = this.map(value) ?? value;
      }
      if (rewritten !== value) {
        if (next === attributes) next = { ...attributes };
        next[name] = rewritten;
      }
    }
    return next;
  }

  private isUrlAttribute(key: string, known: KnownElement | undefined): boolean {
    if (key === 'background') return true;
    if (key === 'src') return !known || SRC_TAGS.has(known.tag);
    if (key === 'poster') return !known || known.tag === 'video';
    if (key === 'href' || key === 'xlink:href') {
      return known !== undefined && ((known.tag === 'link' && isAssetLink(known.rel)) || known.tag === 'image');
    }
    return false;
  }

  /** A style mutation's property map: property → value, [value, priority] or false (removed). */
  private styleDiff(diff: Fields): Fields {
    let next = diff;
    for (const [property, change] of Object.entries(diff)) {
      const text = Array.isArray(change) ? change[0] : change;
      if (typeof text !== 'string') continue;
      const css = this.css(text);
      if (css === text) continue;
      if (next === diff) next = { ...diff };
      next[property] = Array.isArray(change) ? [css, ...change.slice(1)] : css;
    }
    return next;
  }

  private css(value: unknown): unknown {
    return typeof value === 'string' ? rewriteCss(value, this.map) : value;
  }

  private cssIn(value: unknown, field: string): unknown {
    const fields = asFields(value);
    return fields ? this.withField(fields, field, this.css(fields[field])) : value;
  }

  /** The array with each item mapped; the same array when no item changed. */
  private list(value: unknown, each: (item: unknown) => unknown): unknown {
    if (!Array.isArray(value)) return value;
    let next: unknown[] | undefined;
    value.forEach((item, index) => {
      const mapped = each(item);
      if (mapped === item) return;
      next ??= [...value];
      next[index] = mapped;
    });
    return next ?? value;
  }

  private withField(fields: Fields, key: string, value: unknown): Fields {
    return fields[key] === value ? fields : { ...fields, [key]: value };
  }
}

/**
 * Every absolute http(s) URL the rewriting would consider in the events, whatever the policy: the URLs a replay of
 * them can have had the proxy fetch and cache (deleting the recording deletes those cache entries too).
 */
export function recordedAssetUrls(events: readonly RecordedEvent[]): Set<string> {
  const urls = new Set<string>();
  rewriteAssetUrls(events, (raw) => {
    const url = parseAssetUrl(raw.trim());
    if (url) urls.add(url.href);
    return undefined;
  });
  return urls;
}

/** The events with their allowed asset URLs pointed at the proxy; unchanged events are the same objects. */
export function rewriteAssetUrls(events: readonly RecordedEvent[], map: MapUrl): RecordedEvent[] {
  const rewriter = new AssetRewriter(map);
  return events.map((event) => rewriter.event(event));
}
