import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { RecordedEvent } from '../../contract/protocol.ts';
import type { Database } from './db.ts';

const gunzipAsync = promisify(gunzip);

/** A stored chunk's events, off the event loop's thread for the inflate. */
export async function decodeChunk(eventsGz: Buffer): Promise<RecordedEvent[]> {
  return JSON.parse((await gunzipAsync(eventsGz)).toString('utf8')) as RecordedEvent[];
}

/** A chunk ready to store: its events already serialized and compressed by the caller. */
export interface ChunkRecord {
  sessionId: string;
  windowId: string;
  seq: number;
  firstTs: number;
  lastTs: number;
  eventCount: number;
  rawBytes: number;
  eventsGz: Buffer;
  receivedAt: number;
}

export interface StoredChunk {
  seq: number;
  eventCount: number;
  eventsGz: Buffer;
}

interface ChunkRow {
  seq: number;
  event_count: number;
  events_gz: Buffer;
}

export function createChunkQueries(db: Database) {
  const insert = db.prepare(`
    INSERT OR IGNORE INTO chunks (session_id, window_id, seq, first_ts, last_ts, event_count, raw_bytes,
      stored_bytes, events_gz, received_at)
    VALUES (@sessionId, @windowId, @seq, @firstTs, @lastTs, @eventCount, @rawBytes, @storedBytes, @eventsGz,
      @receivedAt)
  `);
  const fromSeq = db.prepare<[string, string, number], ChunkRow>(
    'SELECT seq, event_count, events_gz FROM chunks WHERE session_id = ? AND window_id = ? AND seq >= ? ORDER BY seq',
  );
  const seqAfter = db
    .prepare<[string, string, number], number>(
      'SELECT seq FROM chunks WHERE session_id = ? AND window_id = ? AND seq > ? ORDER BY seq LIMIT 1',
    )
    .pluck();

  const windowStart = db
    .prepare<[string, string], number | null>('SELECT min(first_ts) FROM chunks WHERE session_id = ? AND window_id = ?')
    .pluck();

  const overlapping = db.prepare<[string, string, number, number], { seq: number; events_gz: Buffer }>(`
    SELECT seq, events_gz FROM chunks
    WHERE session_id = ? AND window_id = ? AND last_ts >= ? AND first_ts <= ? ORDER BY seq
  `);

  return {
    /** Time of the window's first event (ms since epoch), where its replay starts; null when it has no chunk. */
    windowStart(sessionId: string, windowId: string): number | null {
      return windowStart.get(sessionId, windowId) ?? null;
    },

    /** The window's chunks holding any event time in [from, to], in seq order (compressed). */
    overlapping(sessionId: string, windowId: string, from: number, to: number) {
      return overlapping.all(sessionId, windowId, from, to).map((row) => ({ seq: row.seq, eventsGz: row.events_gz }));
    },

    /** Inserts the chunk unless (session, window, seq) is already stored; returns false for such a duplicate. */
    insert(chunk: ChunkRecord): boolean {
      return insert.run({ ...chunk, storedBytes: chunk.eventsGz.byteLength }).changes === 1;
    },

    /**
     * Whole chunks of one window from `seq` on, in seq order, until they hold at least `minEvents` events,
     * and the seq of the chunk after them (null when none is left).
     */
    readFrom(sessionId: string, windowId: string, seq: number, minEvents: number) {
      const chunks: StoredChunk[] = [];
      let events = 0;
      for (const row of fromSeq.iterate(sessionId, windowId, seq)) {
        chunks.push({ seq: row.seq, eventCount: row.event_count, eventsGz: row.events_gz });
        events += row.event_count;
        // Leaving the loop early closes the iterator, so the rest of the session is never read.
        if (events >= minEvents) break;
      }
      const last = chunks.at(-1);
      const nextSeq = last === undefined ? null : (seqAfter.get(sessionId, windowId, last.seq) ?? null);
      return { chunks, nextSeq };
    },
  };
}
