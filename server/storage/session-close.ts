/**
 * Closing idle sessions, in two steps so that storage decides nothing: `idle` reads the sessions due and what judging
 * their cart_abandoned and form_abandoned events needs (for the events some webhook wants), the caller drafts the
 * events (webhooks/drafts.ts), and `close` marks each session closed and puts its drafts in the outbox in one
 * transaction. A session is closed once: one already closed, or that received a batch since it was read, is skipped
 * with its drafts, so a crash or a second closer can neither lose nor repeat an event.
 */
import type { CheckoutOptions, FormRow, TrackedEvent } from '../../contract/rows.ts';
import type { Database } from './db.ts';
import { createOutboxQueries } from './outbox.ts';
import { jsonField } from './sql.ts';
import { parseStoredJson } from './stored-json.ts';
import type { WebhookEventDraft } from './webhook-events.ts';
import { createWebhookQueries } from './webhooks.ts';

/** A session due for closing, with the rows its closing events are judged from. */
export interface IdleSession {
  sessionId: string;
  projectId: number;
  /** Which closing events some webhook of the project subscribed to; rows are read only for those. */
  wants: { cart: boolean; forms: boolean };
  /** Its cart and purchase events, in time order ([] unless `wants.cart`). */
  trackedEvents: TrackedEvent[];
  /** Its form events, ordered by window and time ([] unless `wants.forms`). */
  formRows: FormRow[];
}

/** A session to close and the events its closing puts in the outbox. */
export interface SessionClosing {
  sessionId: string;
  projectId: number;
  drafts: readonly WebhookEventDraft[];
}

/** The tracked event names the closing events are judged from. */
export type ClosingEventNames = Pick<CheckoutOptions, 'cartEvent' | 'purchaseEvent'>;

export function createSessionCloser(db: Database) {
  const outbox = createOutboxQueries(db);
  const webhooks = createWebhookQueries(db);
  const idle = db.prepare<[number, number], { id: string; project_id: number }>(
    'SELECT id, project_id FROM sessions WHERE closed_at IS NULL AND updated_at < ? ORDER BY updated_at LIMIT ?',
  );
  // Guarded by the idle bound too: a session that received a batch after it was read is no longer idle.
  const markClosed = db.prepare<[number, string, number]>(
    'UPDATE sessions SET closed_at = ? WHERE id = ? AND closed_at IS NULL AND updated_at < ?',
  );
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

  function tracked(sessionId: string, names: ClosingEventNames): TrackedEvent[] {
    return trackedEvents.all(sessionId, names.cartEvent, names.purchaseEvent).map((row) => ({
      ...row,
      props: parseStoredJson(row.props) ?? null,
    }));
  }

  // One read transaction, so every session's rows are of the same moment.
  const readIdle = db.transaction((idleBefore: number, limit: number, names: ClosingEventNames): IdleSession[] =>
    idle.all(idleBefore, limit).map(({ id, project_id: projectId }) => {
      const wants = {
        cart: webhooks.subscribedTo(projectId, 'cart_abandoned').length > 0,
        forms: webhooks.subscribedTo(projectId, 'form_abandoned').length > 0,
      };
      return {
        sessionId: id,
        projectId,
        wants,
        trackedEvents: wants.cart ? tracked(id, names) : [],
        formRows: wants.forms ? formRows.all(id) : [],
      };
    }),
  );

  const closeAll = db.transaction((closings: readonly SessionClosing[], idleBefore: number, now: number): number => {
    let closed = 0;
    for (const { sessionId, projectId, drafts } of closings) {
      if (markClosed.run(now, sessionId, idleBefore).changes === 0) continue;
      closed++;
      for (const draft of drafts) outbox.enqueue(projectId, draft, now);
    }
    return closed;
  });

  return {
    /**
     * Up to `limit` open sessions that received no batch since `idleBefore` (ms since epoch), oldest first, with the
     * tracked events named `names` and the form rows their closing events are judged from.
     */
    idle(idleBefore: number, limit: number, names: ClosingEventNames): IdleSession[] {
      return readIdle(idleBefore, limit, names);
    },
    /**
     * Closes each session still open and idle since `idleBefore`, with its drafts into the outbox, in one immediate
     * transaction; returns how many were closed.
     */
    close(closings: readonly SessionClosing[], idleBefore: number, now: number): number {
      return closeAll.immediate(closings, idleBefore, now);
    },
  };
}
