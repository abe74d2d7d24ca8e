/** Write-side models shared by the storage modules and ingest (read-side models are in contract/api.ts). */
import type { DeviceClass, ProjectRole } from '../../contract/vocabulary.ts';
import type { RecordedEvent, SlTagName } from '../../contract/protocol.ts';

export interface Project {
  id: number;
  /** Public ingest key, sent by the recorder as `project`. */
  key: string;
  name: string;
  createdAt: number;
  /** Page patterns for page keys, in pageKey's syntax (`/product/*`), first match wins; [] for none. */
  pagePatterns: string[];
  /** Days sessions are kept after they end; null keeps them forever. */
  retentionDays: number | null;
  /** Origins (`https://shop.example`) ingest is accepted from; [] accepts any origin. */
  allowedOrigins: string[];
  /** SHA-256 (hex) of the secret key its backend sends to POST /api/events; null before one is made. */
  serverKeyHash: string | null;
  /** The roles the project has a viewer token for, `read` first; only their hashes are stored. */
  tokenRoles: ProjectRole[];
}

/** What a session row carries from one chunk to the next for deriving the next chunk's metadata. */
export interface SessionCarry {
  /** Time of the last user-input event stored so far, null before the first one. */
  lastInputTs: number | null;
}

/** A Sightline custom event kept for timeline marks and event-based reports. */
export interface CustomEventRecord {
  ts: number;
  tag: SlTagName;
  /** Page URL, track() name, identified user id, error or console message, or a failed request's line. */
  name: string;
  /** The event's payload as sent. */
  props: unknown;
}

/** What one chunk of events adds to its session; produced by a pure function in ingest. */
export interface SessionDelta {
  /** Smallest and largest event timestamp in the chunk. */
  firstTs: number;
  lastTs: number;
  /** Active time this chunk adds, including the gap from the carried last input when short enough. */
  activeMs: number;
  /** Last input time after this chunk (the carry for the next one). */
  lastInputTs: number | null;
  /** The chunk's candidate entry URL and the time it was seen; the earliest candidate wins. */
  entry: { url: string; ts: number } | null;
  /** Distinct URLs of this chunk with the time each was first seen, in order. */
  pages: Array<{ url: string; firstTs: number }>;
  clickCount: number;
  errorCount: number;
  consoleErrorCount: number;
  failedRequestCount: number;
  eventCount: number;
  /** Last viewport size seen in the chunk, with its device class, or null when the chunk says nothing. */
  viewport: { width: number; height: number; device: DeviceClass } | null;
  /** Last identified user id in the chunk. */
  userId: string | null;
  customEvents: CustomEventRecord[];
}

/** One accepted batch as the store receives it. */
export interface ChunkWrite {
  projectId: number;
  sessionId: string;
  windowId: string;
  seq: number;
  /** Events exactly as received; stored as one compressed JSON array. */
  events: RecordedEvent[];
  /** Parsed from the request's User-Agent header; versions '' when unknown. */
  browser: string;
  browserVersion: string;
  os: string;
  osVersion: string;
  /** Server clock at receipt, ms since epoch. */
  receivedAt: number;
}

export type ChunkOutcome = 'stored' | 'duplicate' | 'project_mismatch';
