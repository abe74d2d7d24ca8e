/**
 * Elements the recorder blocked (`data-sl-block`, rrweb's `rr-block`) are recorded as an empty box of their size:
 * rrweb keeps only their class and `rr_width`/`rr_height`. Replayed as they are, they look like a blank card, which
 * a reader takes for a broken page. Here they are marked in the events, and styled by CSS injected into the replay
 * frame as a hatched box labelled "Hidden for privacy". CSS only: the frame is sandboxed without scripts.
 */
import { RrwebEventType, RrwebIncrementalSource } from '../../../contract/protocol.ts';

/** The attribute a blocked element gets in the replay; its value is the recorded tag name. */
export const BLOCKED_ATTRIBUTE = 'data-sl-blocked';
/** What the placeholder says. */
export const BLOCKED_LABEL = 'Hidden for privacy';

/**
 * Tags whose content the browser draws itself, so a ::before label would never show on them: their placeholders
 * are replayed as a div of the same class and size instead. Not iframe: rrweb records a blocked iframe's document
 * all the same and attaches it to the element, which must stay an iframe for that.
 */
const REPLACED_TAGS = new Set(['img', 'video', 'audio', 'canvas', 'embed', 'object', 'svg', 'input', 'textarea', 'select']);

/** rrweb's serialized element node, as far as the marking needs it. */
interface SerializedNode {
  type?: number;
  tagName?: string;
  isSVG?: boolean;
  attributes?: Record<string, unknown>;
  childNodes?: SerializedNode[];
}

/** rrweb's NodeType.Element. */
const ELEMENT_NODE = 2;

function markTree(root: SerializedNode | undefined): void {
  // A stack, not recursion: recorded documents can be thousands of levels deep.
  const stack = root ? [root] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const attributes = node.attributes;
    if (node.type === ELEMENT_NODE && attributes && ('rr_width' in attributes || 'rr_height' in attributes)) {
      const tag = String(node.tagName ?? '').toLowerCase();
      attributes[BLOCKED_ATTRIBUTE] = tag;
      if (REPLACED_TAGS.has(tag)) {
        node.tagName = 'div';
        node.isSVG = false;
      }
    }
    for (const child of node.childNodes ?? []) stack.push(child);
  }
}

/**
 * Marks every blocked element in `events` (full snapshots and the nodes mutations add) for the placeholder style.
 * Changes the events in place and returns them; marking twice changes nothing more.
 */
export function markBlockedElements<T extends { type: number; data: unknown }>(events: T[]): T[] {
  for (const event of events) {
    const data = event.data as { node?: SerializedNode; source?: number; adds?: Array<{ node?: SerializedNode }> };
    if (event.type === RrwebEventType.FullSnapshot) markTree(data.node);
    else if (event.type === RrwebEventType.IncrementalSnapshot && data.source === RrwebIncrementalSource.Mutation) {
      for (const added of data.adds ?? []) markTree(added.node);
    }
  }
  return events;
}

/**
 * CSS rules for rrweb's `insertStyleRules`, which puts them before the page's own styles: `!important` where the
 * page must not win (the look and the label), plain where it should (the display of a replaced element's stand-in,
 * which the page's class rules may set). The size stays the recorded one: rrweb sets it inline from rr_width and
 * rr_height, measured as a border box.
 */
export const BLOCKED_PLACEHOLDER_RULES: readonly string[] = [
  `[${BLOCKED_ATTRIBUTE}] {
    box-sizing: border-box !important;
    overflow: hidden !important;
    background: repeating-linear-gradient(135deg, #eef0f4 0 8px, #e0e4ea 8px 16px) !important;
    box-shadow: inset 0 0 0 1px #a0a8b6 !important;
    color: #3d4657 !important;
    text-align: center !important;
  }`,
  `[${BLOCKED_ATTRIBUTE}]::before {
    content: "${BLOCKED_LABEL}" !important;
    display: block !important;
    padding: 6px 8px !important;
    font: 600 12px/16px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif !important;
    letter-spacing: normal !important;
    text-transform: none !important;
    white-space: normal !important;
  }`,
  `[${BLOCKED_ATTRIBUTE}]::after { content: none !important; }`,
  ...[...REPLACED_TAGS].map((tag) => `[${BLOCKED_ATTRIBUTE}="${tag}"] { display: inline-block; vertical-align: top; }`),
];
