/**
 * Hand-built rrweb snapshot nodes for tests that forge recordings (serialized node types 0 document, 1 doctype,
 * 2 element, 3 text), and the two events the sanitizer's tests build from them.
 */
import type { RecordedEvent } from '../../contract/protocol.ts';

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

/** A full snapshot whose body (id 3, in html id 2, in the document id 1) holds `children`. */
export const snapshot = (...children: SnapshotNode[]): RecordedEvent => ({
  type: 2,
  timestamp: 1,
  data: {
    node: { type: 0, childNodes: [el(2, 'html', {}, [el(3, 'body', {}, children)])], id: 1 },
    initialOffset: { left: 0, top: 0 },
  },
});

/** A DOM mutation event (incremental source 0) with empty lists but those given. */
export const mutation = (data: SnapshotNode): RecordedEvent => ({
  type: 3,
  timestamp: 2,
  data: { source: 0, texts: [], attributes: [], removes: [], adds: [], ...data },
});

/** The body's children of a `snapshot(…)` event. */
export const bodyOf = (event: RecordedEvent): SnapshotNode[] => {
  const html = ((event.data as SnapshotNode).node as { childNodes: SnapshotNode[] }).childNodes[0] as { childNodes: SnapshotNode[] };
  return (html.childNodes[0] as { childNodes: SnapshotNode[] }).childNodes;
};
