/**
 * The queue of appended chunks waiting for derivation (migration 14). Ingest adds a chunk in the transaction that
 * stores it; the pipeline claims windows with queued chunks and removes their entries in the transaction that
 * writes what they derive, so every chunk's effects land exactly once. SQLite has one writer and the pipeline one
 * consumer per process, so a claim is a read inside the consumer's transaction; `claimPending` is the one place a
 * PostgreSQL version (FOR UPDATE SKIP LOCKED) replaces.
 */
import type { Database } from './db.ts';

/** One queued chunk. */
export interface QueuedChunk {
  seq: number;
  /** Queued by a re-derivation: what it finds again sends no webhook. */
  quiet: boolean;
  queuedAt: number;
}

/** A window with queued chunks: every one of them, in seq order. */
export interface PendingWindow {
  projectId: number;
  sessionId: string;
  windowId: string;
  chunks: QueuedChunk[];
}

/** Queued chunks, and when the oldest was queued (null when none is). */
export interface QueueCounts {
  chunks: number;
  oldestQueuedAt: number | null;
}

interface QueueRow {
  project_id: number;
  session_id: string;
  window_id: string;
  seq: number;
  quiet: 0 | 1;
  queued_at: number;
}

export function createDeriveQueue(db: Database) {
  const insert = db.prepare(`
    INSERT OR IGNORE INTO derive_queue (session_id, window_id, seq, project_id, queued_at, quiet)
    VALUES (@sessionId, @windowId, @seq, @projectId, @queuedAt, 0)
  `);
  // New chunks first (quiet = 0), oldest first: a re-derivation never holds up what shoppers send now.
  const oldestWindows = db.prepare<[number], { session_id: string; window_id: string }>(`
    SELECT session_id, window_id FROM derive_queue ORDER BY quiet, queued_at LIMIT ?
  `);
  const ofWindow = db.prepare<[string, string], QueueRow>(
    'SELECT * FROM derive_queue WHERE session_id = ? AND window_id = ? ORDER BY seq',
  );
  const removeWindow = db.prepare<[string, string]>('DELETE FROM derive_queue WHERE session_id = ? AND window_id = ?');
  const removeThrough = db.prepare<[string, string, number]>(
    'DELETE FROM derive_queue WHERE session_id = ? AND window_id = ? AND seq <= ?',
  );
  const live = db.prepare<[], QueueCounts>(
    'SELECT count(*) AS chunks, min(queued_at) AS oldestQueuedAt FROM derive_queue WHERE quiet = 0',
  );
  const liveOfProject = db.prepare<[number], QueueCounts>(
    'SELECT count(*) AS chunks, min(queued_at) AS oldestQueuedAt FROM derive_queue WHERE project_id = ? AND quiet = 0',
  );
  const quietOfProject = db
    .prepare<[number], number>('SELECT count(*) FROM derive_queue WHERE project_id = ? AND quiet = 1')
    .pluck();
  const requeue = db.prepare<{ projectId: number; queuedAt: number }>(`
    INSERT INTO derive_queue (session_id, window_id, seq, project_id, queued_at, quiet)
    SELECT c.session_id, c.window_id, c.seq, s.project_id, @queuedAt, 1
    FROM sessions s JOIN chunks c ON c.session_id = s.id
    WHERE s.project_id = @projectId
    ON CONFLICT DO NOTHING
  `);

  return {
    /** Queues a chunk just stored, in the caller's (ingest's) transaction. */
    enqueue(chunk: { projectId: number; sessionId: string; windowId: string; seq: number }, queuedAt: number): void {
      insert.run({ ...chunk, queuedAt });
    },

    /**
     * The windows of the oldest `limit` queued chunks (new before re-derived), each with all its queued chunks, so
     * a window is always derived from everything it has. Call inside the transaction that removes them.
     */
    claimPending(limit: number): PendingWindow[] {
      const seen = new Set<string>();
      const windows: PendingWindow[] = [];
      for (const { session_id: sessionId, window_id: windowId } of oldestWindows.all(limit)) {
        const key = `${sessionId}\n${windowId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const rows = ofWindow.all(sessionId, windowId);
        if (rows.length === 0) continue;
        windows.push({
          projectId: rows[0]!.project_id,
          sessionId,
          windowId,
          chunks: rows.map((row) => ({ seq: row.seq, quiet: row.quiet === 1, queuedAt: row.queued_at })),
        });
      }
      return windows;
    },

    /** The window's queued chunks, in seq order: what a claim made earlier in the same transaction still finds. */
    windowChunks(sessionId: string, windowId: string): QueuedChunk[] {
      return ofWindow.all(sessionId, windowId).map((row) => ({ seq: row.seq, quiet: row.quiet === 1, queuedAt: row.queued_at }));
    },

    /** Removes every queued chunk of the window: the caller has derived them all, in the same transaction. */
    removeWindow(sessionId: string, windowId: string): void {
      removeWindow.run(sessionId, windowId);
    },

    /** Removes the window's queued chunks up to and including `seq`: the caller has derived those, the rest wait. */
    removeThrough(sessionId: string, windowId: string, seq: number): void {
      removeThrough.run(sessionId, windowId, seq);
    },

    /** Chunks ingest appended that wait for derivation (re-derivations left out), of one project or of all. */
    liveCounts(projectId?: number): QueueCounts {
      return (projectId === undefined ? live.get() : liveOfProject.get(projectId)) ?? { chunks: 0, oldestQueuedAt: null };
    },

    /** Chunks a re-derivation of the project has yet to derive. */
    quietCount(projectId: number): number {
      return quietOfProject.get(projectId) ?? 0;
    },

    /**
     * Queues every stored chunk of the project quietly, but those already queued (they stay as they were: a new chunk
     * still announces what it finds); returns how many it queued.
     */
    requeueProject(projectId: number, queuedAt: number): number {
      return requeue.run({ projectId, queuedAt }).changes;
    },
  };
}
