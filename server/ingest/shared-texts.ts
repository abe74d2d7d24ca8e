/**
 * Puts back the long texts a batch refers to instead of carrying them (server/protocol-texts.ts): pure functions
 * over the events, the reading of earlier chunks left to the caller. A reference that cannot be resolved (its chunk
 * deleted, or a forged one) leaves the node's text empty: the page replays unstyled, and nothing else is lost.
 */
import type { RecordedEvent } from '../../contract/protocol.ts';
import { forEachSnapshotNode, SAME_TEXT_FIELD, setShareableText, shareableText, sharedTextKey, type TextNode } from '../../contract/texts.ts';

export interface TextReference {
  node: TextNode;
  /** The chunk of the same window that carried the text. */
  seq: number;
  key: string;
}

/** The references in these events, in order; a malformed one is dropped from its node and not returned. */
export function findTextReferences(events: readonly RecordedEvent[]): TextReference[] {
  const references: TextReference[] = [];
  for (const event of events) {
    forEachSnapshotNode(event, (node) => {
      if (!(SAME_TEXT_FIELD in node)) return;
      const value = node[SAME_TEXT_FIELD];
      delete node[SAME_TEXT_FIELD];
      const match = typeof value === 'string' ? /^(\d{1,15}):([0-9a-z]{1,7})$/.exec(value) : null;
      if (match) references.push({ node, seq: Number(match[1]), key: match[2]! });
    });
  }
  return references;
}

/** The shareable texts of some stored events, by key. */
export function indexSharedTexts(events: readonly RecordedEvent[], into = new Map<string, string>()): Map<string, string> {
  for (const event of events) {
    forEachSnapshotNode(event, (node) => {
      const text = shareableText(node);
      if (text !== undefined) into.set(sharedTextKey(text), text);
    });
  }
  return into;
}

/** Writes each reference's text into its node; returns how many could not be found. */
export function resolveTextReferences(references: readonly TextReference[], texts: ReadonlyMap<string, string>): number {
  let missing = 0;
  for (const { node, key } of references) {
    const text = texts.get(key);
    if (text === undefined) missing++;
    setShareableText(node, text ?? '');
  }
  return missing;
}
