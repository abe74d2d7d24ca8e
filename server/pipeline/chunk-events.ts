/** A stored chunk's events for the consumer: from the cache when it holds these bytes, else inflated and parsed. */
import { gunzipSync } from 'node:zlib';
import type { RecordedEvent } from '../../contract/protocol.ts';
import type { ChunkEventCache } from './chunk-event-cache.ts';

export interface StoredChunkBytes {
  sessionId: string;
  windowId: string;
  seq: number;
  eventsGz: Buffer;
}

/**
 * Synchronous, as it runs inside the consumer's transaction; the cache (filled by ingest as chunks are appended)
 * spares most chunks the inflate when derivation keeps up.
 */
export function decodeStoredChunk(cache: ChunkEventCache, chunk: StoredChunkBytes): readonly RecordedEvent[] {
  const { sessionId, windowId, seq, eventsGz } = chunk;
  const cached = cache.get(sessionId, windowId, seq, eventsGz);
  if (cached) return cached;
  const json = gunzipSync(eventsGz);
  const events = JSON.parse(json.toString('utf8')) as RecordedEvent[];
  cache.put(sessionId, windowId, seq, { eventsGz, events, rawBytes: json.byteLength });
  return events;
}
