/**
 * Web Storage that cannot throw. localStorage/sessionStorage throw in sandboxed iframes, with cookies blocked,
 * or when full; the recorder then keeps its ids in memory (the session lasts as long as the page).
 */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export function memoryStore(): KeyValueStore {
  const values = new Map<string, string>();
  return {
    get: (key) => values.get(key) ?? null,
    set: (key, value) => void values.set(key, value),
    remove: (key) => void values.delete(key),
  };
}

/** `open` is a function because merely reading `window.localStorage` is what throws. */
export function safeStore(open: () => Storage): KeyValueStore {
  let storage: Storage;
  try {
    storage = open();
    const probe = 'sl:probe';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
  } catch {
    return memoryStore();
  }
  // Writes can still fail later (quota); from then on memory holds the truth for this page.
  const fallback = memoryStore();
  let broken = false;
  return {
    get(key) {
      // Once writes failed, memory has this page's latest values; storage still has the other tabs'.
      const written = broken ? fallback.get(key) : null;
      if (written !== null) return written;
      try {
        return storage.getItem(key);
      } catch {
        return fallback.get(key);
      }
    },
    set(key, value) {
      fallback.set(key, value);
      if (broken) return;
      try {
        storage.setItem(key, value);
      } catch {
        broken = true;
      }
    },
    remove(key) {
      fallback.remove(key);
      try {
        storage.removeItem(key);
      } catch {
        // Nothing to undo: memory already forgot it.
      }
    },
  };
}

/** Parses stored JSON; anything unreadable counts as absent. */
export function readJson(store: KeyValueStore, key: string): unknown {
  const text = store.get(key);
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
