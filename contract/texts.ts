/**
 * Part of the wire protocol (protocol.ts), shared as code by the recorder and ingest: how a batch refers to a long
 * text that an earlier, acknowledged batch of the same window already carried, instead of sending it again.
 *
 * Every page of a store inlines the same stylesheets in its full snapshot (rrweb's `_cssText`, and the text of
 * `<style>` elements): per batch, gzip cannot see the copy sent one page earlier, and these texts are most of a
 * snapshot's bytes. A serialized node whose text is replaced carries `SAME_TEXT_FIELD: "<seq>:<key>"` and an empty
 * text; ingest finds the text with that key in chunk `seq` of the window (or a later one) and puts it back before
 * anything else sees the events, so stored recordings stay plain rrweb.
 */

/** The node field that names where the text is: `"<seq>:<key>"`. */
export const SAME_TEXT_FIELD = '_slSameText';

/** Texts shorter than this always travel: a reference would save little and every text costs a hash. */
export const MIN_SHARED_TEXT_CHARS = 1_024;

/** A serialized rrweb node, as far as shared texts are concerned. */
export interface TextNode {
  /** rrweb-snapshot NodeType: 2 element, 3 text. */
  type?: number;
  attributes?: Record<string, unknown>;
  /** True on the text node inside a `<style>` element. */
  isStyle?: boolean;
  textContent?: unknown;
  childNodes?: unknown;
  [SAME_TEXT_FIELD]?: unknown;
}

const ELEMENT = 2;
const TEXT = 3;

/** The node's shareable text (an element's inlined stylesheet, a `<style>` element's text) if long enough. */
export function shareableText(node: TextNode): string | undefined {
  const text = node.type === ELEMENT ? node.attributes?._cssText : node.type === TEXT && node.isStyle ? node.textContent : undefined;
  return typeof text === 'string' && text.length >= MIN_SHARED_TEXT_CHARS ? text : undefined;
}

/** Sets the field shareableText reads: '' where the recorder sends a reference, the text where ingest resolves it. */
export function setShareableText(node: TextNode, text: string): void {
  if (node.type === ELEMENT) node.attributes = { ...node.attributes, _cssText: text };
  else if (node.type === TEXT) node.textContent = text;
}

/**
 * The key of a text: a 32-bit FNV-1a hash of its UTF-16 code units, in base 36. A reference is only ever resolved
 * among the few long texts of one window's chunks, where a chance collision is negligible.
 */
export function sharedTextKey(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return (hash >>> 0).toString(36);
}

/**
 * Calls `visit` on every serialized node of an event that can carry a shareable text: the whole tree of a full
 * snapshot and the nodes a mutation adds. Iterative: a forged recording can nest deeper than the call stack.
 */
export function forEachSnapshotNode(event: { type: number; data: unknown }, visit: (node: TextNode) => void): void {
  const data = event.data as { node?: unknown; source?: number; adds?: unknown } | null;
  const pending: unknown[] = [];
  if (event.type === 2) pending.push(data?.node);
  else if (event.type === 3 && data?.source === 0 && Array.isArray(data.adds)) {
    for (const add of data.adds) pending.push((add as { node?: unknown } | null)?.node);
  }
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    visit(node as TextNode);
    const children = (node as TextNode).childNodes;
    if (Array.isArray(children)) for (const child of children) pending.push(child);
  }
}
