import type { RecordedEvent } from '../contract/protocol.ts';
import { forEachSnapshotNode } from '../contract/texts.ts';

/**
 * rrweb runs maskTextFn over text nodes only; attributes a visitor can read (title, alt, placeholder, aria-label)
 * HTML comments, and the titles and error messages in Sightline's own events travel as they are. This applies the
 * same text rule to them, in place, before the event is batched.
 */

type Attributes = Record<string, unknown> | undefined;

/** rrweb-snapshot's NodeType.Comment. */
const COMMENT_NODE = 5;
/** rrweb's IncrementalSnapshot and Custom event types, and its Mutation source. */
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

export function scrubEvent(event: RecordedEvent, mask: (text: string) => string): void {
  const data = event.data as {
    source?: number;
    attributes?: Array<{ attributes: Attributes }>;
    payload?: { title?: unknown; message?: unknown };
  };
  forEachSnapshotNode(event, (node) => {
    // HTML comments never show in a replay, yet templates leave data in them: they travel empty.
    if (node.type === COMMENT_NODE) node.textContent = '';
    scrubAttributes(node.attributes, mask);
  });
  if (event.type === INCREMENTAL && data.source === MUTATION) {
    for (const changed of data.attributes || []) scrubAttributes(changed.attributes, mask);
  }
  const payload = event.type === CUSTOM ? data.payload : undefined;
  if (typeof payload?.title === 'string') payload.title = mask(payload.title);
  if (typeof payload?.message === 'string') payload.message = mask(payload.message);
}
