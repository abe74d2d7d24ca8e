/**
 * The webhook outbox: events written in the transaction of their cause, one delivery row per (event, subscribed
 * webhook), and the claim-and-record cycle the dispatcher runs over the deliveries.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryLogEntry, DeliveryStatus } from '../../contract/webhooks.ts';
import { signalDraft, signalEventTypes } from '../webhooks/drafts.ts';
import type { StoredWebhookEvent, WebhookEventDraft } from './webhook-events.ts';
import type { WebhookPayloadType } from '../../contract/vocabulary.ts';
import { createChunkQueries } from './chunks.ts';
import type { Database } from './db.ts';
import type { SignalRecord } from './signals.ts';
import { storedObject } from './stored-json.ts';
import { createWebhookQueries } from './webhooks.ts';

/** A delivery claimed for one attempt, with what sending it needs. */
export interface ClaimedDelivery {
  id: number;
  /** The attempt's number (1 for the first): recording its result needs it, so a stale attempt records nothing. */
  attempt: number;
  url: string;
  secret: string;
  event: StoredWebhookEvent;
}

/** The result of a failed attempt. */
export interface FailedAttempt {
  /** HTTP status of the answer, null when none came. */
  httpStatus: number | null;
  error: string;
  /** When to try again; null gives up (the delivery is failed). */
  retryAt: number | null;
}

interface ClaimedRow {
  id: number;
  attempts: number;
  url: string;
  secret: string;
  event_id: string;
  type: WebhookPayloadType;
  created_at: number;
  project: string;
  session_id: string | null;
  user_id: string | null;
  window_id: string | null;
  replay_offset_ms: number | null;
  data: string;
}

interface LogRow {
  id: number;
  event_id: string;
  type: WebhookPayloadType;
  status: DeliveryStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  next_attempt_at: number;
  delivered_at: number | null;
}

function toClaimed(row: ClaimedRow): ClaimedDelivery {
  const event: StoredWebhookEvent = {
    id: row.event_id,
    type: row.type,
    createdAt: row.created_at,
    project: row.project,
    sessionId: row.session_id,
    userId: row.user_id,
    windowId: row.window_id,
    replayOffsetMs: row.replay_offset_ms,
    data: storedObject(row.data),
  };
  return { id: row.id, attempt: row.attempts, url: row.url, secret: row.secret, event };
}

export function createOutboxQueries(db: Database) {
  const webhooks = createWebhookQueries(db);
  const userOf = db.prepare<[string], string | null>('SELECT user_id FROM sessions WHERE id = ?').pluck();
  const chunks = createChunkQueries(db);
  const urlAt = db
    .prepare<[string, string, number], string>(
      'SELECT url FROM page_views WHERE session_id = ? AND window_id = ? AND ts <= ? ORDER BY ts DESC LIMIT 1',
    )
    .pluck();
  const insertEvent = db.prepare(`
    INSERT INTO webhook_events (id, project_id, type, created_at, session_id, user_id, window_id, replay_offset_ms, data)
    VALUES (@id, @projectId, @type, @createdAt, @sessionId, @userId, @windowId, @replayOffsetMs, @data)
  `);
  const insertDelivery = db.prepare<[string, number, number, number, number]>(`
    INSERT INTO webhook_deliveries (event_id, webhook_id, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
  `);
  const giveUpExpired = db.prepare(`
    UPDATE webhook_deliveries SET status = 'failed', last_error = @reason, updated_at = @now
    WHERE status = 'pending' AND next_attempt_at <= @now AND created_at < @expiredBefore
  `);
  // Moving next_attempt_at to the end of the lease is the claim: no other claim sees the row until then.
  const claim = db.prepare<unknown[], { id: number }>(`
    UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = @leaseUntil, updated_at = @now
    WHERE id IN (
      SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= @now
      ORDER BY next_attempt_at, id LIMIT @limit
    )
    RETURNING id
  `);
  const claimed = db.prepare<[number], ClaimedRow>(`
    SELECT d.id, d.attempts, w.url, w.secret, e.id AS event_id, e.type, e.created_at, p.key AS project, e.session_id,
      e.user_id, e.window_id, e.replay_offset_ms, e.data
    FROM webhook_deliveries d
    JOIN webhooks w ON w.id = d.webhook_id
    JOIN webhook_events e ON e.id = d.event_id
    JOIN projects p ON p.id = e.project_id
    WHERE d.id = ?
  `);
  const delivered = db.prepare(`
    UPDATE webhook_deliveries SET status = 'delivered', delivered_at = @now, updated_at = @now, last_status = @httpStatus,
      last_error = NULL
    WHERE id = @id AND attempts = @attempt AND status = 'pending'
  `);
  const failed = db.prepare(`
    UPDATE webhook_deliveries SET status = CASE WHEN @retryAt IS NULL THEN 'failed' ELSE 'pending' END,
      next_attempt_at = coalesce(@retryAt, next_attempt_at), updated_at = @now, last_status = @httpStatus,
      last_error = @error
    WHERE id = @id AND attempts = @attempt AND status = 'pending'
  `);
  const log = db.prepare<[number, number, number], LogRow>(`
    SELECT d.id, d.event_id, e.type, d.status, d.attempts, d.last_status, d.last_error, d.created_at, d.updated_at,
      d.next_attempt_at, d.delivered_at
    FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
    WHERE d.webhook_id = ? ORDER BY d.id DESC LIMIT ? OFFSET ?
  `);
  const pruneDeliveries = db.prepare<[number]>("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND updated_at < ?");
  const pruneEvents = db.prepare<[number]>(`
    DELETE FROM webhook_events
    WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)
  `);

  /**
   * Puts an event in the outbox for each given webhook, in the caller's transaction; resolves with its id, or null
   * when there is no webhook to send it to (then nothing is written).
   */
  function enqueueTo(webhookIds: readonly number[], projectId: number, draft: WebhookEventDraft, now: number): string | null {
    if (webhookIds.length === 0) return null;
    const { sessionId, moment } = draft;
    const start = sessionId && moment ? chunks.windowStart(sessionId, moment.windowId) : null;
    const id = `evt_${randomUUID()}`;
    insertEvent.run({
      id,
      projectId,
      type: draft.type,
      createdAt: now,
      sessionId,
      userId: sessionId ? (userOf.get(sessionId) ?? null) : null,
      windowId: moment?.windowId ?? null,
      replayOffsetMs: moment && start != null ? Math.max(0, moment.ts - start) : null,
      data: JSON.stringify(draft.data),
    });
    for (const webhookId of webhookIds) insertDelivery.run(id, webhookId, now, now, now);
    return id;
  }

  /** The event for every webhook of the project subscribed to its type. */
  function enqueue(projectId: number, draft: WebhookEventDraft, now: number): string | null {
    return enqueueTo(webhooks.subscribedTo(projectId, draft.type), projectId, draft, now);
  }

  const claimDue = db.transaction((now: number, leaseUntil: number, expiredBefore: number, limit: number): ClaimedDelivery[] => {
    giveUpExpired.run({ now, expiredBefore, reason: 'gave up: the retry window ended' });
    return claim.all({ now, leaseUntil, limit }).flatMap(({ id }) => {
      const row = claimed.get(id);
      return row ? [toClaimed(row)] : [];
    });
  });

  return {
    enqueue,

    /** The event for one webhook only, subscribed or not ("send test event"). */
    enqueueFor(webhookId: number, projectId: number, draft: WebhookEventDraft, now: number): string {
      return enqueueTo([webhookId], projectId, draft, now)!;
    },

    /** rage_click or error_click for a signal ingest has just stored for the first time. */
    enqueueSignal(signal: SignalRecord, now: number): void {
      const type = signalEventTypes[signal.kind];
      // Looked up before anything else: most signals find no subscriber, and then cost one indexed read.
      if (!type || webhooks.subscribedTo(signal.projectId, type).length === 0) return;
      const url = urlAt.get(signal.sessionId, signal.windowId, signal.ts) ?? '';
      const draft = signalDraft({ ...signal, url });
      if (draft) enqueue(signal.projectId, draft, now);
    },

    /**
     * Claims up to `limit` due deliveries for one attempt each, until `leaseUntil`; first marks failed those due whose
     * event is older than `expiredBefore`.
     */
    claimDue(now: number, leaseUntil: number, expiredBefore: number, limit: number): ClaimedDelivery[] {
      // Immediate: the write lock is taken before reading, so two processes on one file cannot both claim a row.
      return claimDue.immediate(now, leaseUntil, expiredBefore, limit);
    },

    /** Records a 2xx answer; false when the attempt no longer holds the delivery (nothing is written then). */
    recordDelivered(id: number, attempt: number, httpStatus: number, now: number): boolean {
      return delivered.run({ id, attempt, httpStatus, now }).changes > 0;
    },

    /** Records a failed attempt: retried at `retryAt`, or failed for good when it is null. */
    recordFailed(id: number, attempt: number, result: FailedAttempt, now: number): boolean {
      return failed.run({ id, attempt, now, ...result }).changes > 0;
    },

    /** A webhook's deliveries, newest first. */
    log(webhookId: number, limit: number, offset: number): DeliveryLogEntry[] {
      return log.all(webhookId, limit, offset).map((row) => ({
        id: row.id,
        eventId: row.event_id,
        type: row.type,
        status: row.status,
        attempts: row.attempts,
        lastStatus: row.last_status,
        lastError: row.last_error,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
        deliveredAt: row.delivered_at,
      }));
    },

    /** Deletes finished deliveries last changed before `before`, and events left without deliveries. */
    prune(before: number): number {
      const deliveries = pruneDeliveries.run(before).changes;
      pruneEvents.run(before);
      return deliveries;
    },
  };
}
