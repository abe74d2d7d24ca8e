import type { TimelineMark } from '../../contract/api.ts';
import type { Database } from './db.ts';
import type { CustomEventRecord } from './model.ts';

interface MarkRow {
  ts: number;
  window_id: string;
  tag: string;
  name: string;
  source: string;
}

const markKinds: Record<string, TimelineMark['kind']> = {
  'sl:page': 'page',
  'sl:track': 'track',
  'sl:identify': 'identify',
  'sl:error': 'error',
  // Ingest keeps only console errors and failed requests of these (session-summary.ts).
  'sl:console': 'console',
  'sl:network': 'request',
};

export function createCustomEventQueries(db: Database) {
  const insert = db.prepare(
    'INSERT INTO custom_events (session_id, window_id, ts, tag, name, props) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const marks = db.prepare<[string], MarkRow>(
    `SELECT ts, window_id, tag, name, source FROM custom_events
     WHERE session_id = ? AND tag IN ('sl:page', 'sl:track', 'sl:identify', 'sl:error', 'sl:console', 'sl:network')
     ORDER BY ts, id`,
  );

  return {
    insertAll(sessionId: string, windowId: string, events: CustomEventRecord[]): void {
      for (const event of events) {
        insert.run(sessionId, windowId, event.ts, event.tag, event.name, JSON.stringify(event.props ?? null));
      }
    },

    /** Timeline marks of a session in time order. */
    marks(sessionId: string): TimelineMark[] {
      return marks.all(sessionId).map((row) => ({
        ts: row.ts,
        windowId: row.window_id,
        kind: markKinds[row.tag]!,
        label: row.name,
        ...(row.source === 'server' ? { server: true as const } : {}),
      }));
    },
  };
}
