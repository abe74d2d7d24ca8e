/** Request and response types of the webhook routes, and the payload a receiver gets. */
import type { WebhookEventType, WebhookPayloadType } from './vocabulary.ts';

/** The JSON body POSTed to a webhook's URL (see the README's payload table). */
export interface WebhookPayload {
  /** `evt_…`, also sent as Sightline-Event-Id: the same on every retry. */
  id: string;
  type: WebhookPayloadType;
  /** When the event happened on the server, ms since epoch. */
  createdAt: number;
  /** The project's key. */
  project: string;
  /** null for a test event. */
  session: { id: string; userId: string | null; replayUrl: string } | null;
  data: Record<string, unknown>;
}

/** A subscription; its secret is only ever in the answer to its creation. */
export interface WebhookInfo {
  id: number;
  url: string;
  events: WebhookEventType[];
  createdAt: number;
}

export interface WebhookList {
  webhooks: WebhookInfo[];
}

/** POST /api/webhooks: the webhook and its signing secret, shown this once. */
export interface WebhookCreated {
  webhook: WebhookInfo;
  secret: string;
}

/** POST /api/webhooks/:id/test: the test event put in the outbox. */
export interface WebhookTestQueued {
  eventId: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One line of a webhook's delivery log. */
export interface DeliveryLogEntry {
  id: number;
  /** The event's id, as sent in Sightline-Event-Id. */
  eventId: string;
  type: WebhookPayloadType;
  /** pending: waiting for its first or next attempt (or in one); delivered: answered 2xx; failed: given up. */
  status: DeliveryStatus;
  attempts: number;
  /** HTTP status of the last answer; null when none came (network error, timeout) or before the first attempt. */
  lastStatus: number | null;
  /** Why the last attempt failed; null after a success or before the first attempt. */
  lastError: string | null;
  /** ms since epoch. */
  createdAt: number;
  updatedAt: number;
  /** When a pending delivery is next tried (or its running attempt's lease ends); null once finished. */
  nextAttemptAt: number | null;
  deliveredAt: number | null;
}

export interface DeliveryLog {
  deliveries: DeliveryLogEntry[];
  limit: number;
  offset: number;
}
