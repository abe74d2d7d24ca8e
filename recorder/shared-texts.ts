import type { RecordedEvent } from '../contract/protocol.ts';
import { forEachSnapshotNode, SAME_TEXT_FIELD, setShareableText, shareableText, sharedTextKey } from '../contract/texts.ts';
import { MAX_SHARED_TEXTS, SHARED_TEXTS_STORAGE_KEY } from './constants.ts';
import { readJson, type KeyValueStore } from './storage.ts';

/**
 * Long texts (inlined stylesheets) sent once per window: a text that an acknowledged batch of this window already
 * carried travels as a reference to that batch (server/protocol-texts.ts), which ingest resolves. Only texts the
 * server acknowledged are referred to, so a reference always names a stored chunk. Remembered in sessionStorage,
 * so the tab's next pages refer to what its earlier pages sent; a new session or window starts afresh (seq
 * restarts with a session, and a duplicated tab copies sessionStorage under a new window id).
 */
export interface SharedTexts {
  /**
   * Replaces, in place, the long texts of this event that the server holds for this window with references;
   * returns the keys of the long texts it carries in full, for `cut`.
   */
  replace(event: RecordedEvent, scope: Scope): string[];
  /** A batch was numbered `seq`, carrying these texts in full. */
  cut(scope: Scope, seq: number, keys: readonly string[]): void;
  /** The server acknowledged batch `seq`: its texts may be referred to from now on. */
  delivered(scope: Scope, seq: number): void;
}

export interface Scope {
  sessionId: string;
  windowId: string;
}

/** As stored: the scope as one string, and [key, seq of the batch that carried it] pairs, oldest first. */
interface Stored {
  scope?: unknown;
  texts?: unknown;
}

const scopeOf = ({ sessionId, windowId }: Scope) => `${sessionId} ${windowId}`;

export function createSharedTexts(tab: KeyValueStore): SharedTexts {
  const stored = (readJson(tab, SHARED_TEXTS_STORAGE_KEY) ?? {}) as Stored;
  let scope = String(stored.scope);
  // Another script may have written anything under our key: only pairs are kept, and a bad one resolves to nothing.
  let known = new Map<string, number>(Array.isArray(stored.texts) ? (stored.texts.filter(Array.isArray) as Array<[string, number]>) : []);
  /** Batches sent but not yet acknowledged: seq → keys carried. */
  let unacknowledged = new Map<number, readonly string[]>();

  function enter(next: Scope): void {
    if (scopeOf(next) === scope) return;
    scope = scopeOf(next);
    known = new Map();
    unacknowledged = new Map();
  }

  return {
    replace(event, eventScope) {
      enter(eventScope);
      const carried: string[] = [];
      forEachSnapshotNode(event, (node) => {
        const text = shareableText(node);
        if (text === undefined) return;
        const key = sharedTextKey(text);
        const seq = known.get(key);
        if (seq === undefined) return void carried.push(key);
        setShareableText(node, '');
        node[SAME_TEXT_FIELD] = `${seq}:${key}`;
      });
      return carried;
    },
    cut(batchScope, seq, keys) {
      // A batch of the session before a rollover: its seq will be counted again by the new one.
      if (keys.length > 0 && scopeOf(batchScope) === scope) unacknowledged.set(seq, keys);
    },
    delivered(batchScope, seq) {
      const keys = scopeOf(batchScope) === scope && unacknowledged.get(seq);
      if (!keys) return;
      unacknowledged.delete(seq);
      for (const key of keys) {
        if (!known.has(key)) known.set(key, seq);
        // The oldest go first; a text forgotten is only sent in full again.
        if (known.size > MAX_SHARED_TEXTS) known.delete(known.keys().next().value!);
      }
      tab.set(SHARED_TEXTS_STORAGE_KEY, JSON.stringify({ scope, texts: [...known] }));
    },
  };
}
