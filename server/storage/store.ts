import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { SessionSummary, TimelineMark } from '../api/types.ts';
import type { RecordedEvent } from '../protocol.ts';
import { createChunkQueries } from './chunks.ts';
import { createCustomEventQueries } from './custom-events.ts';
import type { Database } from './db.ts';
import type { ChunkOutcome, ChunkWrite, Project, SessionCarry, SessionDelta } from './model.ts';
import { createProjectQueries } from './projects.ts';
import { createSessionQueries, type SessionFilter } from './sessions.ts';

export type { SessionFilter } from './sessions.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export interface EventsQuery {
  sessionId: string;
  windowId: string;
  /** First chunk seq to return. */
  fromSeq: number;
  /** Return whole chunks until they hold at least this many events. */
  minEvents: number;
}

export interface EventsResult {
  /** Events in recorded order: chunks by seq, each chunk's events as received. */
  events: RecordedEvent[];
  /** Seq of the next chunk, or null when this was the last. */
  nextSeq: number | null;
}

/**
 * Everything the API and ingest need from storage. Asynchronous so that a PostgreSQL implementation can
 * stand behind the same interface; the SQLite one does its work synchronously inside.
 */
export interface Store {
  findProjectByKey(key: string): Promise<Project | undefined>;
  /**
   * Stores one batch atomically: the chunk, then (unless it was a duplicate) the session's new metadata from
   * `summarize`, which receives what the session carried from earlier chunks. Resolves only after commit.
   */
  saveChunk(chunk: ChunkWrite, summarize: (carry: SessionCarry) => SessionDelta): Promise<ChunkOutcome>;
  listSessions(filter: SessionFilter): Promise<{ sessions: SessionSummary[]; total: number }>;
  getSession(id: string): Promise<SessionSummary | undefined>;
  listMarks(sessionId: string): Promise<TimelineMark[]>;
  readEvents(query: EventsQuery): Promise<EventsResult>;
}

export function createSqliteStore(db: Database): Store {
  const projects = createProjectQueries(db);
  const sessions = createSessionQueries(db);
  const chunks = createChunkQueries(db);
  const customEvents = createCustomEventQueries(db);

  const saveInTransaction = db.transaction(
    (chunk: ChunkWrite, eventsGz: Buffer, rawBytes: number, summarize: (carry: SessionCarry) => SessionDelta) => {
      const existing = sessions.carry(chunk.sessionId);
      if (existing && existing.projectId !== chunk.projectId) return 'project_mismatch' as const;
      const delta = summarize({ lastInputTs: existing?.lastInputTs ?? null });
      const inserted = chunks.insert({
        sessionId: chunk.sessionId,
        windowId: chunk.windowId,
        seq: chunk.seq,
        firstTs: delta.firstTs,
        lastTs: delta.lastTs,
        eventCount: chunk.events.length,
        rawBytes,
        eventsGz,
        receivedAt: chunk.receivedAt,
      });
      // A re-sent batch: the first copy already updated the session, so nothing else may change.
      if (!inserted) return 'duplicate' as const;
      sessions.apply(
        {
          id: chunk.sessionId,
          projectId: chunk.projectId,
          browser: chunk.browser,
          os: chunk.os,
          now: chunk.receivedAt,
          delta,
        },
        chunk.windowId,
      );
      customEvents.insertAll(chunk.sessionId, chunk.windowId, delta.customEvents);
      return 'stored' as const;
    },
  );

  return {
    async findProjectByKey(key) {
      return projects.findByKey(key);
    },

    async saveChunk(chunk, summarize) {
      const json = JSON.stringify(chunk.events);
      // Compress before the transaction: better-sqlite3 transactions are synchronous and hold the write lock.
      const eventsGz = await gzipAsync(json);
      return saveInTransaction.immediate(chunk, eventsGz, Buffer.byteLength(json), summarize);
    },

    async listSessions(filter) {
      return sessions.list(filter);
    },

    async getSession(id) {
      return sessions.get(id);
    },

    async listMarks(sessionId) {
      return customEvents.marks(sessionId);
    },

    async readEvents({ sessionId, windowId, fromSeq, minEvents }) {
      const page = chunks.readFrom(sessionId, windowId, fromSeq, minEvents);
      const decoded = await Promise.all(
        page.chunks.map(async (chunk) => JSON.parse((await gunzipAsync(chunk.eventsGz)).toString('utf8'))),
      );
      return { events: decoded.flat() as RecordedEvent[], nextSeq: page.nextSeq };
    },
  };
}
