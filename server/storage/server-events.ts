/**
 * Events a store's backend sent (POST /api/events). Each is kept in server_events under its id (the dedupe record)
 * and, once its session is known, copied into custom_events as an `sl:track` row with source 'server', in the same
 * transaction: every report that reads tracked events (timeline marks, the session list's event filter, funnels,
 * checkout metrics) then counts it like one tracked in the browser, without knowing where it came from.
 */
import type { Database } from './db.ts';
import { createProjectQueries } from './projects.ts';
import { createSessionFactQueries, type ScoreSession } from './session-facts.ts';

/** One validated backend event, as the route hands it to the store. */
export interface ServerEventWrite {
  /** The sender's id for it: the same id sent again is stored once. */
  id: string;
  name: string;
  /** ms since epoch. */
  ts: number;
  sessionId: string | null;
  userId: string | null;
  props: Record<string, unknown>;
}

export type ServerEventsOutcome =
  | {
      outcome: 'stored';
      /** Ids stored by this call, in the order sent. */
      created: string[];
      /** Ids stored before (by an earlier call, or earlier in this one): nothing changed for them. */
      duplicates: string[];
      /** Those of `created` whose session is not known (yet). */
      withoutSession: string[];
    }
  /** `sessionId` of events[index] names a session of another project; nothing was stored. */
  | { outcome: 'session_conflict'; index: number };

export interface ServerEventStore {
  /** Makes `hash` (SHA-256, hex) the project's server key, replacing any before; false when no project has the key. */
  setServerKeyHash(projectKey: string, hash: string): Promise<boolean>;
  /**
   * Stores the events that are new for the project and attaches each to its session: the one named, else the user's
   * session containing its time, else the user's latest session started before it. One transaction.
   */
  saveServerEvents(
    projectId: number,
    events: readonly ServerEventWrite[],
    receivedAt: number,
    /** Rescores the sessions the events attach to (a purchase settles a cart), in the same transaction. */
    scoreSession: ScoreSession,
  ): Promise<ServerEventsOutcome>;
}

export function createServerEventQueries(db: Database) {
  const insertEvent = db.prepare(`
    INSERT INTO server_events (project_id, event_id, name, ts, session_id, user_id, payload, attached, received_at)
    VALUES (@projectId, @eventId, @name, @ts, @sessionId, @userId, @payload, @attached, @receivedAt)
    ON CONFLICT (project_id, event_id) DO NOTHING
  `);
  const insertMark = db.prepare<[string, number, string, string]>(
    `INSERT INTO custom_events (session_id, window_id, ts, tag, name, props, source) VALUES (?, '', ?, 'sl:track', ?, ?, 'server')`,
  );
  const sessionProject = db.prepare<[string], number>('SELECT project_id FROM sessions WHERE id = ?').pluck();
  // Sessions containing the time first, then the latest start: "the visit the order was placed in, else the last one".
  const userSession = db
    .prepare<{ projectId: number; userId: string; ts: number }, string>(`
      SELECT id FROM sessions WHERE user_id = @userId AND project_id = @projectId AND started_at <= @ts
      ORDER BY ended_at >= @ts DESC, started_at DESC LIMIT 1
    `)
    .pluck();
  const copyPending = db.prepare<{ projectId: number; sessionId: string }>(`
    INSERT INTO custom_events (session_id, window_id, ts, tag, name, props, source)
    SELECT session_id, '', ts, 'sl:track', name, payload, 'server' FROM server_events
    WHERE session_id = @sessionId AND project_id = @projectId AND attached = 0 ORDER BY ts, id
  `);
  const markAttached = db.prepare<{ projectId: number; sessionId: string }>(
    'UPDATE server_events SET attached = 1 WHERE session_id = @sessionId AND project_id = @projectId AND attached = 0',
  );
  const deleteUnattached = db.prepare<[number, number]>(
    'DELETE FROM server_events WHERE project_id = ? AND attached = 0 AND ts < ?',
  );

  return {
    /** The project of a stored session, or undefined when there is no such session. */
    sessionProject(sessionId: string): number | undefined {
      return sessionProject.get(sessionId);
    },

    /** The session a user-only event belongs to, or undefined when the user has none started by then. */
    userSession(projectId: number, userId: string, ts: number): string | undefined {
      return userSession.get({ projectId, userId, ts });
    },

    /** Stores one event unless its id is stored already; false for a duplicate. Attached ones also become marks. */
    insert(projectId: number, event: ServerEventWrite, sessionId: string | null, attached: boolean, receivedAt: number): boolean {
      const payload = JSON.stringify({ name: event.name, props: event.props });
      const { changes } = insertEvent.run({
        projectId,
        eventId: event.id,
        name: event.name,
        ts: event.ts,
        sessionId,
        userId: event.userId,
        payload,
        attached: attached ? 1 : 0,
        receivedAt,
      });
      if (changes === 0) return false;
      if (attached) insertMark.run(sessionId!, event.ts, event.name, payload);
      return true;
    },

    /** Attaches the events that arrived before their session did; run in the transaction that creates the session. */
    attachPending(projectId: number, sessionId: string): void {
      copyPending.run({ projectId, sessionId });
      markAttached.run({ projectId, sessionId });
    },

    /** Deletes the project's events without a session from before `before` (ms since epoch), for retention. */
    deleteUnattachedBefore(projectId: number, before: number): number {
      return deleteUnattached.run(projectId, before).changes;
    },
  };
}

export function createSqliteServerEventStore(db: Database): ServerEventStore {
  const projects = createProjectQueries(db);
  const queries = createServerEventQueries(db);
  const sessionFacts = createSessionFactQueries(db);

  const save = db.transaction((projectId: number, events: readonly ServerEventWrite[], receivedAt: number, score: ScoreSession): ServerEventsOutcome => {
    const sessions: Array<{ id: string | null; known: boolean }> = [];
    for (const [index, event] of events.entries()) {
      if (event.sessionId !== null) {
        const owner = queries.sessionProject(event.sessionId);
        if (owner !== undefined && owner !== projectId) return { outcome: 'session_conflict', index };
        sessions.push({ id: event.sessionId, known: owner !== undefined });
      } else {
        const found = queries.userSession(projectId, event.userId!, event.ts);
        sessions.push({ id: found ?? null, known: found !== undefined });
      }
    }
    const created: string[] = [];
    const duplicates: string[] = [];
    const withoutSession: string[] = [];
    for (const [index, event] of events.entries()) {
      const session = sessions[index]!;
      if (!queries.insert(projectId, event, session.id, session.known, receivedAt)) {
        duplicates.push(event.id);
        continue;
      }
      created.push(event.id);
      if (!session.known) withoutSession.push(event.id);
    }
    // A backend's purchase settles the session's cart: its badges and friction follow.
    const attached = new Set(sessions.filter((session) => session.known).map((session) => session.id!));
    for (const sessionId of attached) sessionFacts.refresh(sessionId, score);
    return { outcome: 'stored', created, duplicates, withoutSession };
  });

  return {
    async setServerKeyHash(projectKey, hash) {
      return projects.setServerKeyHash(projectKey, hash);
    },

    async saveServerEvents(projectId, events, receivedAt, scoreSession) {
      return save.immediate(projectId, events, receivedAt, scoreSession);
    },
  };
}
