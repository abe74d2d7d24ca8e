/**
 * What went wrong in a session, kept on its row (migration 16): counts of its rage, dead and error clicks, whether it
 * abandoned a form, what came of its cart and the friction score of all that. Storage reads the rows they come from
 * and writes what the caller's scorer (server/analytics/friction.ts) makes of them, in the transaction of every chunk
 * and backend event that can change them, so the list's badges and its friction order are plain columns.
 */
import type { SessionFactRows, SessionFacts } from '../../contract/rows.ts';
import type { Database } from './db.ts';
import { ABANDONED_FORM_SQL } from './form-events.ts';
import { jsonField } from './sql.ts';

/** Turns what storage read of a session into its facts and friction. */
export type ScoreSession = (rows: SessionFactRows) => SessionFacts;

export function createSessionFactQueries(db: Database) {
  const session = db.prepare<[string], { errors: number; abandoned_form: number }>(
    `SELECT error_count AS errors, ${ABANDONED_FORM_SQL} AS abandoned_form FROM sessions WHERE id = ?`,
  );
  const signals = db.prepare<[string], { kind: string; count: number }>(
    'SELECT kind, count(*) AS count FROM signals WHERE session_id = ? GROUP BY kind',
  );
  const tracked = db.prepare<[string], { name: string; value: unknown }>(`
    SELECT name, ${jsonField('props', '$.props.value')} AS value FROM custom_events WHERE session_id = ? AND tag = 'sl:track'
  `);
  const update = db.prepare(`
    UPDATE sessions SET rage_clicks = @rageClicks, dead_clicks = @deadClicks, error_clicks = @errorClicks,
      form_abandoned = @abandonedForm, cart_outcome = @cart, cart_value = @cartValue, friction = @friction
    WHERE id = @id
  `);

  function rowsOf(sessionId: string): SessionFactRows | undefined {
    const row = session.get(sessionId);
    if (!row) return undefined;
    return { errors: row.errors, abandonedForm: row.abandoned_form === 1, signals: signals.all(sessionId), tracked: tracked.all(sessionId) };
  }

  /** Recomputes the session's facts from its stored rows; the caller holds the transaction. */
  function refresh(sessionId: string, score: ScoreSession): void {
    const rows = rowsOf(sessionId);
    if (!rows) return;
    const facts = score(rows);
    update.run({ ...facts, abandonedForm: facts.abandonedForm ? 1 : 0, id: sessionId });
  }

  return { refresh };
}
