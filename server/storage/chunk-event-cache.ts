/**
 * Decoded events of recently stored chunks. Each batch's signal refresh reads the chunks of its window around it
 * (the batch ± 10 s), and a window's batches arrive seconds apart, so without this every stored chunk would be
 * gunzipped and parsed again by the next one or two batches of its window. An entry is served only while its
 * compressed bytes equal the stored ones, so a chunk deleted and stored again under the same (session, window, seq)
 * is never answered from a stale copy.
 */
import type { RecordedEvent } from '../../contract/protocol.ts';

/** Raw JSON bytes of the chunks kept, all together; the least recently used go first. */
export const CHUNK_EVENT_CACHE_BYTES = 16 * 1024 * 1024;

interface Entry {
  eventsGz: Buffer;
  events: readonly RecordedEvent[];
  rawBytes: number;
}

const keyOf = (sessionId: string, windowId: string, seq: number) => `${sessionId}\n${windowId}\n${seq}`;

export class ChunkEventCache {
  readonly #entries = new Map<string, Entry & { sessionId: string }>();
  #bytes = 0;

  constructor(readonly maxBytes: number = CHUNK_EVENT_CACHE_BYTES) {}

  /** The chunk's events, if cached for exactly these stored bytes. Callers must not change them. */
  get(sessionId: string, windowId: string, seq: number, eventsGz: Buffer): readonly RecordedEvent[] | undefined {
    const key = keyOf(sessionId, windowId, seq);
    const entry = this.#entries.get(key);
    if (!entry || !entry.eventsGz.equals(eventsGz)) return undefined;
    // Re-inserted, so the Map's order stays least recently used first.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.events;
  }

  put(sessionId: string, windowId: string, seq: number, entry: Entry): void {
    // A chunk bigger than the whole cache would only push everything else out.
    if (entry.rawBytes > this.maxBytes) return;
    const key = keyOf(sessionId, windowId, seq);
    const old = this.#entries.get(key);
    if (old) {
      this.#entries.delete(key);
      this.#bytes -= old.rawBytes;
    }
    this.#entries.set(key, { ...entry, sessionId });
    this.#bytes += entry.rawBytes;
    for (const [oldest, { rawBytes }] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= rawBytes;
    }
  }

  /** Drops every chunk of these sessions: a deleted session's events must not outlive it, not even in memory. */
  forgetSessions(sessionIds: ReadonlySet<string>): void {
    for (const [key, entry] of this.#entries) {
      if (!sessionIds.has(entry.sessionId)) continue;
      this.#entries.delete(key);
      this.#bytes -= entry.rawBytes;
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
