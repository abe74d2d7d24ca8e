import type { DeviceClass, SignalKind } from '../../contract/vocabulary.ts';
import type { SessionSignal } from '../../contract/api.ts';
import type { Database } from './db.ts';
import type { SignalFinding } from './derived-model.ts';
import type { ElementQuery, LabelledReplayLink } from './clicks.ts';
import { storedObject } from './stored-json.ts';

/** A session's signal as the session detail lists it, but for its outcome in words (analytics/signal-text.ts). */
export type StoredSessionSignal = Omit<SessionSignal, 'outcome'>;

/** A signal as stored: the finding with its owner, page, day and (for sl:click clicks) its element anchor. */
export interface SignalRecord extends SignalFinding {
  projectId: number;
  sessionId: string;
  windowId: string;
  pageKey: string;
  device: DeviceClass;
  day: number;
  /** Offset in the element and document width from the sl:click; null when only rrweb saw the click. */
  ox: number | null;
  oy: number | null;
  dw: number | null;
}

interface SignalRow {
  id: number;
  project_id: number;
  session_id: string;
  window_id: string;
  kind: SignalKind;
  ts: number;
  selector: string;
  label: string;
  x: number;
  y: number;
  count: number;
  page_key: string;
  device: DeviceClass;
  day: number;
  ox: number | null;
  oy: number | null;
  dw: number | null;
  details: string;
}

function toRecord(row: SignalRow): SignalRecord {
  return {
    projectId: row.project_id,
    sessionId: row.session_id,
    windowId: row.window_id,
    kind: row.kind,
    ts: row.ts,
    selector: row.selector,
    label: row.label,
    x: row.x,
    y: row.y,
    count: row.count,
    pageKey: row.page_key,
    device: row.device,
    day: row.day,
    ox: row.ox,
    oy: row.oy,
    dw: row.dw,
    details: storedObject(row.details),
  };
}

/** What identifies a signal within its window (the table's unique key). */
export const signalKey = (signal: { kind: string; ts: number; selector: string }) => `${signal.kind} ${signal.ts} ${signal.selector}`;

/** Everything but the owner, as one string: two records that print the same need no rewrite. */
function contentOf(record: SignalRecord): string {
  const { kind, ts, selector, label, x, y, count, pageKey, device, day, ox, oy, dw, details } = record;
  return JSON.stringify([kind, ts, selector, label, x, y, count, pageKey, device, day, ox, oy, dw, details]);
}

export interface SignalChanges {
  /** Signals no longer found (or found with other figures): their heatmap points are taken away. */
  removed: SignalRecord[];
  /** Signals new or changed: their heatmap points are added. */
  added: SignalRecord[];
}

export function createSignalQueries(db: Database) {
  const inRange = db.prepare<[string, string, number, number], SignalRow>(
    'SELECT * FROM signals WHERE session_id = ? AND window_id = ? AND ts BETWEEN ? AND ?',
  );
  const remove = db.prepare('DELETE FROM signals WHERE id = ?');
  const insert = db.prepare(`
    INSERT INTO signals (project_id, session_id, window_id, kind, ts, selector, label, x, y, count, page_key, device,
      day, ox, oy, dw, details)
    VALUES (@projectId, @sessionId, @windowId, @kind, @ts, @selector, @label, @x, @y, @count, @pageKey, @device,
      @day, @ox, @oy, @dw, @details)
  `);
  const ofSession = db.prepare<[string], SignalRow>('SELECT * FROM signals WHERE session_id = ? ORDER BY ts, id');
  const latestOn = db.prepare<unknown[], LabelledReplayLink>(`
    SELECT session_id AS sessionId, window_id AS windowId, ts, label FROM signals
    WHERE project_id = @projectId AND page_key = @page AND kind = @kind AND selector = @selector
      AND ts BETWEEN @from AND @to
      AND (@device IS NULL OR device = @device)
    ORDER BY ts DESC LIMIT 1
  `);

  return {
    /**
     * Makes the window's stored signals with from ≤ ts ≤ to exactly `found` (which must lie in that range), and
     * says what changed. Unchanged signals keep their rows, so recomputing the same events writes nothing.
     */
    replaceInRange(sessionId: string, windowId: string, from: number, to: number, found: SignalRecord[]): SignalChanges {
      const wanted = new Map(found.map((record) => [signalKey(record), record]));
      const removed: SignalRecord[] = [];
      const kept = new Set<string>();
      for (const row of inRange.all(sessionId, windowId, from, to)) {
        const stored = toRecord(row);
        const key = signalKey(stored);
        const replacement = wanted.get(key);
        if (replacement && contentOf(replacement) === contentOf(stored)) {
          kept.add(key);
          continue;
        }
        remove.run(row.id);
        removed.push(stored);
      }
      const added = [...wanted.values()].filter((record) => !kept.has(signalKey(record)));
      for (const record of added) insert.run({ ...record, details: JSON.stringify(record.details) });
      return { removed, added };
    },

    /** A session's signals in time order, as the session detail shows them (the route words their outcome). */
    ofSession(sessionId: string): StoredSessionSignal[] {
      return ofSession.all(sessionId).map((row) => {
        const details = storedObject(row.details);
        return {
          kind: row.kind,
          windowId: row.window_id,
          ts: row.ts,
          selector: row.selector,
          label: row.label,
          count: row.count,
          deadClicks: typeof details.deadClicks === 'number' ? details.deadClicks : 0,
          x: row.x,
          y: row.y,
          page: row.page_key,
          message: typeof details.message === 'string' ? details.message : '',
        };
      });
    },

    /** The latest signal of a kind on an element of a page, to open the replay there, and the element's label then. */
    latestOn(query: ElementQuery & { kind: SignalKind }): LabelledReplayLink | undefined {
      return latestOn.get(query);
    },
  };
}
