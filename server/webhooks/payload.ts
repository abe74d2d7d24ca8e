/** The JSON body of a webhook delivery, built the same way on every attempt from the stored event. */
import type { WebhookPayload } from '../../contract/webhooks.ts';
import type { StoredWebhookEvent } from '../storage/webhook-events.ts';

/**
 * The viewer's link to a session at a moment: `<publicUrl>/#/sessions/<id>?t=<offset ms>&window=<window id>`, the
 * format of viewer/src/lib/routes.ts `replayHref` (the server does not import viewer code; a test checks they agree).
 */
export function replayUrl(publicUrl: string, sessionId: string, windowId: string | null, offsetMs: number | null): string {
  const query = new URLSearchParams();
  if (offsetMs !== null && offsetMs > 0) query.set('t', String(Math.round(offsetMs)));
  if (windowId) query.set('window', windowId);
  const text = query.toString();
  return `${publicUrl.replace(/\/+$/, '')}/#/sessions/${encodeURIComponent(sessionId)}${text ? `?${text}` : ''}`;
}

export function webhookPayload(event: StoredWebhookEvent, publicUrl: string): WebhookPayload {
  const session =
    event.sessionId === null
      ? null
      : { id: event.sessionId, userId: event.userId, replayUrl: replayUrl(publicUrl, event.sessionId, event.windowId, event.replayOffsetMs) };
  return { id: event.id, type: event.type, createdAt: event.createdAt, project: event.project, session, data: event.data };
}

/** The request body: the payload as JSON. Signed as these exact bytes. */
export function webhookBody(event: StoredWebhookEvent, publicUrl: string): string {
  return JSON.stringify(webhookPayload(event, publicUrl));
}

/** The base URL replay links start with: the configured one, else the address the server listens on. */
export function resolvePublicUrl(config: { publicUrl: string | null; port: number }): string {
  return config.publicUrl ?? `http://localhost:${config.port}`;
}
