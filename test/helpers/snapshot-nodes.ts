/**
 * Hand-built rrweb snapshot nodes for tests that forge recordings (serialized node types 0 document, 1 doctype,
 * 2 element, 3 text).
 */

export type SnapshotNode = Record<string, unknown>;

export const el = (
  id: number,
  tagName: string,
  attributes: Record<string, unknown> = {},
  childNodes: SnapshotNode[] = [],
): SnapshotNode => ({ type: 2, tagName, attributes, childNodes, id });

export const text = (id: number, textContent: string, extra: SnapshotNode = {}): SnapshotNode => ({
  type: 3,
  textContent,
  id,
  ...extra,
});

/** A standards-mode document (id 1, its doctype id 2) holding `html`, as a full snapshot's `node`. */
export const documentOf = (html: SnapshotNode): SnapshotNode => ({
  type: 0,
  id: 1,
  childNodes: [{ type: 1, name: 'html', publicId: '', systemId: '', id: 2 }, html],
});
