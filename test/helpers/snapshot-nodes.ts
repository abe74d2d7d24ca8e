/** Hand-built rrweb snapshot nodes for tests that forge recordings (serialized node types 2 element, 3 text). */

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
