/**
 * Deleted rows leave no readable bytes on disk. `secure_delete` (set at open) zeroes deleted content in every page a
 * deletion changes and every page it frees, but in WAL mode the earlier versions of those pages stay in the -wal file,
 * one per commit that wrote them, until a checkpoint copies the latest versions into the database and TRUNCATE empties
 * the log. So every deletion ends with a TRUNCATE checkpoint.
 *
 * A checkpoint cannot finish while another connection reads an older snapshot (a backup, the sqlite3 shell, a replica
 * tool such as Litestream in another process): SQLite would wait for it in its busy handler, which here would block the
 * event loop, so the attempt is made without waiting and, when a reader is in the way, retried with backoff until it
 * succeeds. A crash before then leaves the frames in the WAL; openDatabase checkpoints at every start.
 */
import type { Database } from './db.ts';

/** First retry of a checkpoint a reader blocked, in ms; each further one waits twice as long. */
export const ERASURE_RETRY_BASE_MS = 1000;
/** Longest wait between retries, in ms: a reader can hold its snapshot for hours, and retrying is cheap. */
export const ERASURE_RETRY_MAX_MS = 60_000;

/** Copies the whole WAL into the database and truncates it; false when a reader held it (nothing is lost then). */
export function truncateWal(db: Database): boolean {
  if (!db.open || db.memory) return true;
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return result?.busy === 0;
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

export interface WalEraser {
  /** After a deletion committed (or at start): truncates the WAL now, or keeps retrying until it can. */
  erase(): void;
  /** Whether a deletion is still waiting for its checkpoint. */
  readonly pending: boolean;
}

export function createWalEraser(db: Database, retryBaseMs = ERASURE_RETRY_BASE_MS): WalEraser {
  let timer: NodeJS.Timeout | undefined;
  let delay = retryBaseMs;

  function attempt(): void {
    timer = undefined;
    if (truncateWal(db)) {
      delay = retryBaseMs;
      return;
    }
    if (delay === retryBaseMs) {
      console.warn('Sightline: another connection is reading the database; erased rows stay in its WAL until it stops (retrying)');
    }
    timer = setTimeout(attempt, delay);
    // The retry must never keep a process alive that is otherwise done.
    timer.unref();
    delay = Math.min(delay * 2, ERASURE_RETRY_MAX_MS);
  }

  return {
    erase() {
      if (timer) clearTimeout(timer);
      attempt();
    },
    get pending() {
      return timer !== undefined;
    },
  };
}
