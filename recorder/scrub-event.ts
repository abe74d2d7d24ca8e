import type { RecordedEvent } from '../contract/protocol.ts';

/**
 * rrweb runs maskTextFn over text nodes only; attributes a visitor can read (title, alt, placeholder, aria-label)
 * HTML comments, and the titles and error messages in Sightline's own events travel as they are. This applies the
 * same text rule to them, in place, before the event is batched.
 */

type Attributes = Record<string, unknown> | undefined;
interface Node {
  type?: number;
  textContent?: string;
  attributes?: Attributes;
  childNodes?: Node[];
}

/** rrweb-snapshot's NodeType.Comment. */
const COMMENT_NODE = 5;
/** rrweb's FullSnapshot, IncrementalSnapshot and Custom event types, and its Mutation source. */
const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const CUSTOM = 5;
const MUTATION = 0;

const READABLE_ATTRIBUTES = ['title', 'alt', 'placeholder', 'aria-label'];

function scrubAttributes(attributes: Attributes, mask: (text: string) => string): void {
  for (const name of READABLE_ATTRIBUTES) {
    const value = attributes?.[name];
    if (typeof value === 'string') attributes![name] = mask(value);
  }
}

function scrubNode(node: Node | undefined, mask: (text: string) => string): void {
  if (!node) return;
  // HTML comments never show in a replay, yet templates leave data in them: they travel empty.
  if (node.type === COMMENT_NODE) node.textContent = '';
  scrubAttributes(node.attributes, mask);
  for (const child of node.childNodes || []) scrubNode(child, mask);
}

export function scrubEvent(event: RecordedEvent, mask: (text: string) => string): void {
  const data = event.data as {
    node?: Node;
    source?: number;
    adds?: Array<{ node: Node }>;
    attributes?: Array<{ attributes: Attributes }>;
    payload?: { title?: unknown; message?: unknown };
  };
  if (event.type === FULL_SNAPSHOT) scrubNode(data.node, mask);
  if (event.type === INCREMENTAL && data.source === MUTATION) {
    for (const added of data.adds || []) scrubNode(added.node, mask);
    for (const changed of data.attributes || []) scrubAttributes(changed.attributes, mask);
  }
  const payload = event.type === CUSTOM ? data.payload : undefined;
  if (typeof payload?.title === 'string') payload.title = mask(payload.title);
  if (typeof payload?.message === 'string') payload.message = mask(payload.message);
}
