/**
 * What rrweb's serialized DOM says about an element, for recordings without Sightline's `sl:click` (plain rrweb
 * streams): rrweb's click events carry only a node id, so the tag and a readable selector come from here.
 */

/** rrweb-snapshot's NodeType for an element. */
const SERIALIZED_ELEMENT = 2;

export interface NodeInfo {
  /** Lower-case tag name. */
  tag: string;
  /**
   * A readable CSS selector built from the element alone: `tag#id`, else `tag.class1.class2`, else `tag`, with
   * `[type="…"]` on inputs. Not unique: findings are matched by position, the selector only names the target.
   */
  selector: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function describeElement(tagName: string, attributes: Record<string, unknown>): NodeInfo {
  const tag = tagName.toLowerCase();
  let selector = tag;
  const id = attributes.id;
  const classes = typeof attributes.class === 'string' ? attributes.class.trim().split(/\s+/).filter(Boolean) : [];
  if (typeof id === 'string' && id !== '') selector += `#${id}`;
  else if (classes.length > 0) selector += classes.map((name) => `.${name}`).join('');
  const type = attributes.type;
  // The input type decides whether a click is a text field, a stepper or a button, so keep it in the selector.
  if (tag === 'input' && typeof type === 'string' && type !== '') selector += `[type="${type.toLowerCase()}"]`;
  return { tag, selector };
}

/** Node id → element description, fed with events in time order. */
export class NodeIndex {
  #nodes = new Map<number, NodeInfo>();

  /** Learns elements from a full snapshot (type 2) or a mutation's added nodes (type 3, source 0). */
  observe(type: number, data: Record<string, unknown>): void {
    if (type === 2) {
      // rrweb forgets its id mirror on every full snapshot, so ids from before it may now mean other nodes.
      this.#nodes.clear();
      this.#walk(data.node);
    } else if (type === 3 && data.source === 0 && Array.isArray(data.adds)) {
      for (const added of data.adds) if (isRecord(added)) this.#walk(added.node);
    }
  }

  lookup(id: number): NodeInfo | undefined {
    return this.#nodes.get(id);
  }

  // Iterative: a deep DOM must not overflow the stack.
  #walk(root: unknown): void {
    const pending: unknown[] = [root];
    while (pending.length > 0) {
      const node = pending.pop();
      if (!isRecord(node)) continue;
      if (node.type === SERIALIZED_ELEMENT && typeof node.id === 'number' && typeof node.tagName === 'string') {
        this.#nodes.set(node.id, describeElement(node.tagName, isRecord(node.attributes) ? node.attributes : {}));
      }
      if (Array.isArray(node.childNodes)) for (const child of node.childNodes) pending.push(child);
    }
  }
}
