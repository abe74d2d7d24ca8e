/** An event on its way into the webhook outbox, and as the outbox holds it (the dispatcher builds payloads from it). */
import type { WebhookPayloadType } from '../../contract/vocabulary.ts';

/** An event about to enter the outbox, as its cause describes it. */
export interface WebhookEventDraft {
  type: WebhookPayloadType;
  /** The session it happened in; null for a test event. */
  sessionId: string | null;
  /** Where the replay link opens: the window (tab) and the event time, ms since epoch; null for none. */
  moment: { windowId: string; ts: number } | null;
  /** Type-specific facts; see the payload table in docs/api.md. */
  data: Record<string, unknown>;
}

/** An event as stored in the outbox, with what building its payload needs. */
export interface StoredWebhookEvent {
  /** `evt_…`, sent as Sightline-Event-Id and as the payload's `id`: the same on every retry. */
  id: string;
  type: WebhookPayloadType;
  /** ms since epoch. */
  createdAt: number;
  /** The project's key. */
  project: string;
  sessionId: string | null;
  userId: string | null;
  windowId: string | null;
  /** Offset of the moment from the window's first event, ms; null without a moment. */
  replayOffsetMs: number | null;
  data: Record<string, unknown>;
}
