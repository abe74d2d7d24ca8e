/**
 * Closing idle sessions: each session is closed once, and in the same transaction its cart_abandoned and
 * form_abandoned events (when some webhook wants them) enter the outbox, so a crash can neither lose nor repeat them.
 */
import type { TrackedEvent } from '../analytics/cart-abandonment.ts';
import { defaultCheckoutOptions } from '../analytics/checkout-metrics.ts';
import type { FormRow } from '../analytics/form-rows.ts';
import { closingDrafts } from '../webhooks/drafts.ts';
import type { Database } from './db.ts';
import { createOutboxQueries } from './outbox.ts';
import { jsonField } from './sql.ts';
import { parseStoredJson } from './stored-json.ts';
import { createWebhookQueries } from './webhooks.ts';

export function createSessionCloser(db: Database) {
  const outbox = createOutboxQueries(db);
  const webhooks = createWebhookQueries(db);
  const idle = db.prepare<[number, number], { id: string; project_id: number }>(
    'SELECT id, project_id FROM sessions WHERE closed_at IS NULL AND updated_at < ? ORDER BY updated_at LIMIT ?',
  );
  const markClosed = db.prepare<[number, string]>('UPDATE sessions SET closed_at = ? WHERE id = ? AND closed_at IS NULL');
  const trackedEvents = db.prepare<[string, string, string], { windowId: string; ts: number; name: string; props: string | null }>(`
    SELECT window_id AS windowId, ts, name, ${jsonField('props', '$.props')} AS props FROM custom_events
    WHERE session_id = ? AND tag = 'sl:track' AND name IN (?, ?) ORDER BY ts, id
  `);
  // The columns of form-events.ts's report query, for one session.
  const formRows = db.prepare<[string], FormRow>(`
    SELECT f.session_id AS sessionId, f.window_id AS windowId, v.id AS viewId, v.url, v.ts AS viewTs,
      v.last_ts AS viewLastTs, f.ts, f.action, f.form, f.field, f.name, f.kind, f.label
    FROM form_events f JOIN page_views v ON v.id = f.page_view_id
    WHERE f.session_id = ? ORDER BY f.window_id, f.ts, f.id
  `);

  function tracked(sessionId: string): TrackedEvent[] {
    const { cartEvent, purchaseEvent } = defaultCheckoutOptions;
    return trackedEvents.all(sessionId, cartEvent, purchaseEvent).map((row) => ({
      ...row,
      props: parseStoredJson(row.props) ?? null,
    }));
  }

  const closeBatch = db.transaction((idleBefore: number, limit: number, now: number): number => {
    const sessions = idle.all(idleBefore, limit);
    for (const { id, project_id: projectId } of sessions) {
      markClosed.run(now, id);
      const wants = {
        cart: webhooks.subscribedTo(projectId, 'cart_abandoned').length > 0,
        forms: webhooks.subscribedTo(projectId, 'form_abandoned').length > 0,
      };
      // Without a subscriber there is nothing to judge: the session is closed all the same, so a webhook added
      // later never fires for it.
      if (!wants.cart && !wants.forms) continue;
      const session = {
        sessionId: id,
        trackedEvents: wants.cart ? tracked(id) : [],
        formRows: wants.forms ? formRows.all(id) : [],
      };
      for (const draft of closingDrafts(session, wants)) outbox.enqueue(projectId, draft, now);
    }
    return sessions.length;
  });

  return {
    /**
     * Closes up to `limit` sessions that received no batch since `idleBefore` (ms since epoch), oldest first, in one
     * immediate transaction; resolves with how many.
     */
    closeIdle(idleBefore: number, limit: number, now: number): number {
      return closeBatch.immediate(idleBefore, limit, now);
    },
  };
}
