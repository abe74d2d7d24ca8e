/** Client of the webhook routes, and the words the settings panel uses for event types and delivery states. */
import type {
  DeliveryLog,
  DeliveryLogEntry,
  WebhookCreated,
  WebhookList,
  WebhookTestQueued,
} from '../../../contract/webhooks.ts';
import type { WebhookEventType, WebhookPayloadType } from '../../../contract/vocabulary.ts';
import { apiRequest } from './api.ts';

/** The events a webhook can subscribe to, in the order the form offers them, with a line on when each fires. */
export const webhookEventChoices: ReadonlyArray<{ type: WebhookEventType; label: string; help: string }> = [
  { type: 'cart_abandoned', label: 'Cart abandoned', help: 'a session ended with items in the cart and no purchase' },
  { type: 'form_abandoned', label: 'Form abandoned', help: 'a session ended with a form started and never submitted' },
  { type: 'rage_click', label: 'Rage click', help: 'a shopper clicked the same spot again and again' },
  { type: 'error_click', label: 'Error click', help: 'a click was followed by a JavaScript error' },
];

const labels: Record<WebhookPayloadType, string> = {
  cart_abandoned: 'Cart abandoned',
  form_abandoned: 'Form abandoned',
  rage_click: 'Rage click',
  error_click: 'Error click',
  test: 'Test event',
};

export function eventLabel(type: WebhookPayloadType): string {
  return labels[type] ?? type;
}

/** The log's status column: what happened last, in words. */
export function deliveryStatusText(entry: DeliveryLogEntry): string {
  if (entry.status === 'delivered') return 'Delivered';
  if (entry.status === 'failed') return 'Failed';
  return entry.attempts === 0 ? 'Queued' : 'Retrying';
}

export function listWebhooks(signal?: AbortSignal): Promise<WebhookList> {
  return apiRequest('/api/webhooks', { signal });
}

export function createWebhook(url: string, events: WebhookEventType[]): Promise<WebhookCreated> {
  return apiRequest('/api/webhooks', { method: 'POST', body: { url, events } });
}

export function deleteWebhook(id: number): Promise<void> {
  return apiRequest(`/api/webhooks/${id}`, { method: 'DELETE' });
}

export function sendTestEvent(id: number): Promise<WebhookTestQueued> {
  return apiRequest(`/api/webhooks/${id}/test`, { method: 'POST' });
}

export function listDeliveries(id: number, signal?: AbortSignal): Promise<DeliveryLog> {
  return apiRequest(`/api/webhooks/${id}/deliveries`, { signal });
}
