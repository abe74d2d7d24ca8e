/**
 * What went wrong in a session, kept on its row (migration 15): counts of its rage, dead and error clicks, whether
 * it abandoned a form, what came of its cart, and the friction score of all that (analytics/friction.ts). Refreshed
 * in the transaction of every chunk and backend event that can change it, so the list's badges and its friction
 * order are plain columns.
 */
import { defaultCheckoutOptions, moneyValue } from '../analytics/checkout-metrics.ts';
import { frictionScore, type CartOutcome, type SessionFacts } from '../analytics/friction.ts';
import type { Database } from './db.ts';
import { ABANDONED_FORM_SQL } from './form-events.ts';
import { jsonField } from './sql.ts';

/** Sessions whose facts are computed per transaction when the store opens after migration 15. */
const BACKFILL_BATCH = 500;

export function createSessionFactQueries(db: Database) {
  const session = db.prepare<[string], { errors: number; abandoned_form: number }>(
    `SELECT error_count AS errors, ${ABANDONED_FORM_SQL} AS abandoned_form FROM sessions WHERE id = ?`,
  );
  const signalCounts = db.prepare<[string], { kind: string; count: number }>(
    'SELECT kind, count(*) AS count FROM signals WHERE session_id = ? GROUP BY kind',
  );
  const cartEvents = db.prepare<[string, string, string], { name: string; value: unknown }>(`
    SELECT name, ${jsonField('props', '$.props.value')} AS value FROM custom_events
    WHERE session_id = ? AND tag = 'sl:track' AND name IN (?, ?)
  `);
  const update = db.prepare(`
    UPDATE sessions SET rage_clicks = @rageClicks, dead_clicks = @deadClicks, error_clicks = @errorClicks,
      form_abandoned = @abandonedForm, cart_outcome = @cart, cart_value = @cartValue, friction = @friction
    WHERE id = @id
  `);
  const unknown = db.prepare<[number], string>('SELECT id FROM sessions WHERE friction IS NULL LIMIT ?').pluck();

  function factsOf(sessionId: string): SessionFacts | undefined {
    const row = session.get(sessionId);
    if (!row) return undefined;
    const signals = new Map(signalCounts.all(sessionId).map(({ kind, count }) => [kind, count]));
    const { cartEvent, purchaseEvent } = defaultCheckoutOptions;
    let cartValue = 0;
    let added = false;
    let purchased = false;
    for (const event of cartEvents.all(sessionId, cartEvent, purchaseEvent)) {
      if (event.name === purchaseEvent) purchased = true;
      else {
        added = true;
        cartValue += moneyValue(event.value);
      }
    }
    const cart: CartOutcome = purchased ? 'purchased' : added ? 'abandoned' : 'none';
    return {
      rageClicks: signals.get('rage') ?? 0,
      deadClicks: signals.get('dead') ?? 0,
      errorClicks: signals.get('error') ?? 0,
      errors: row.errors,
      abandonedForm: row.abandoned_form === 1,
      cart,
      cartValue: Math.round(cartValue * 100) / 100,
    };
  }

  function refresh(sessionId: string): void {
    const facts = factsOf(sessionId);
    if (!facts) return;
    update.run({ ...facts, abandonedForm: facts.abandonedForm ? 1 : 0, friction: frictionScore(facts), id: sessionId });
  }

  const backfillBatch = db.transaction((): number => {
    const ids = unknown.all(BACKFILL_BATCH);
    for (const id of ids) refresh(id);
    return ids.length;
  });

  return {
    /** Recomputes the session's facts and friction from its stored rows; the caller holds the transaction. */
    refresh,

    /** Computes the facts of every session stored before they were kept (friction NULL), a batch per transaction. */
    backfill(): void {
      while (backfillBatch.immediate() === BACKFILL_BATCH);
    },
  };
}
