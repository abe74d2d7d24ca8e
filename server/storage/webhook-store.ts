/** The part of the Store behind webhooks: subscriptions, the outbox's delivery cycle and closing idle sessions. */
import type { DeliveryLogEntry } from '../../contract/webhooks.ts';
import type { Database } from './db.ts';
import { createOutboxQueries, type ClaimedDelivery, type FailedAttempt } from './outbox.ts';
import { createSessionCloser, type ClosingEventNames, type IdleSession, type SessionClosing } from './session-close.ts';
import type { WebhookEventDraft } from './webhook-events.ts';
import { createWebhookQueries, type Webhook, type WebhookWrite } from './webhooks.ts';

export type { ClaimedDelivery, FailedAttempt } from './outbox.ts';
export type { Webhook, WebhookWrite } from './webhooks.ts';

export interface WebhookStore {
  /** The project's webhooks, oldest first. */
  listWebhooks(projectId: number): Promise<Webhook[]>;
  getWebhook(projectId: number, id: number): Promise<Webhook | undefined>;
  countWebhooks(projectId: number): Promise<number>;
  createWebhook(write: WebhookWrite): Promise<Webhook>;
  /** Deletes the webhook and its deliveries; false when the project has no such webhook. */
  deleteWebhook(projectId: number, id: number): Promise<boolean>;
  /** Puts an event in the outbox for that one webhook; resolves with the event id. */
  enqueueWebhookEvent(webhookId: number, projectId: number, draft: WebhookEventDraft, now: number): Promise<string>;
  /** A webhook's delivery log, newest first. */
  listDeliveries(webhookId: number, limit: number, offset: number): Promise<DeliveryLogEntry[]>;
  /** Claims up to `limit` due deliveries until `leaseUntil`, after failing those whose event is older than `expiredBefore`. */
  claimDeliveries(now: number, leaseUntil: number, expiredBefore: number, limit: number): Promise<ClaimedDelivery[]>;
  /** False when the attempt no longer holds the delivery. */
  recordDelivered(id: number, attempt: number, httpStatus: number, now: number): Promise<boolean>;
  recordFailedAttempt(id: number, attempt: number, result: FailedAttempt, now: number): Promise<boolean>;
  /** Deletes finished deliveries last changed before `before` and events left without any; resolves with how many deliveries. */
  pruneDeliveries(before: number): Promise<number>;
  /** Up to `limit` open sessions idle since `idleBefore`, oldest first, with what judging their closing events needs. */
  idleSessions(idleBefore: number, limit: number, names: ClosingEventNames): Promise<IdleSession[]>;
  /** Closes those still open and idle since `idleBefore`, their drafts into the outbox, at once; resolves with how many. */
  closeSessions(closings: readonly SessionClosing[], idleBefore: number, now: number): Promise<number>;
}

export function createSqliteWebhookStore(db: Database): WebhookStore {
  const webhooks = createWebhookQueries(db);
  const outbox = createOutboxQueries(db);
  const closer = createSessionCloser(db);

  return {
    async listWebhooks(projectId) {
      return webhooks.list(projectId);
    },
    async getWebhook(projectId, id) {
      return webhooks.get(projectId, id);
    },
    async countWebhooks(projectId) {
      return webhooks.count(projectId);
    },
    async createWebhook(write) {
      return webhooks.create(write);
    },
    async deleteWebhook(projectId, id) {
      return webhooks.delete(projectId, id);
    },
    async enqueueWebhookEvent(webhookId, projectId, draft, now) {
      return outbox.enqueueFor(webhookId, projectId, draft, now);
    },
    async listDeliveries(webhookId, limit, offset) {
      return outbox.log(webhookId, limit, offset);
    },
    async claimDeliveries(now, leaseUntil, expiredBefore, limit) {
      return outbox.claimDue(now, leaseUntil, expiredBefore, limit);
    },
    async recordDelivered(id, attempt, httpStatus, now) {
      return outbox.recordDelivered(id, attempt, httpStatus, now);
    },
    async recordFailedAttempt(id, attempt, result, now) {
      return outbox.recordFailed(id, attempt, result, now);
    },
    async pruneDeliveries(before) {
      return outbox.prune(before);
    },
    async idleSessions(idleBefore, limit, names) {
      return closer.idle(idleBefore, limit, names);
    },
    async closeSessions(closings, idleBefore, now) {
      return closer.close(closings, idleBefore, now);
    },
  };
}
