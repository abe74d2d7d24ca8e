/** Words the recorder's data, the server and the viewer share: each kind, defined once. */

/** The device a session was recorded on, from its user agent and viewport. */
export type DeviceClass = 'mobile' | 'tablet' | 'desktop';

/** A click that went wrong: a rage burst, a dead click (nothing happened) or a click followed by an error. */
export type SignalKind = 'rage' | 'dead' | 'error';

/** What a heatmap counts: clicks, rage/dead/error clicks (one point per finding), or mouse-move samples. */
export type HeatmapKind = 'click' | SignalKind | 'move';

/**
 * What a project's viewer token may do: `read` its data (sessions, reports, settings), or also `manage` the project:
 * change its settings and webhooks and delete its data.
 */
export type ProjectRole = 'read' | 'manage';

/** Whom a sign-in speaks for: the admin (every project) or one project, through one of its viewer tokens. */
export type CredentialScope = 'admin' | 'project';

/** Events a webhook can subscribe to. */
export const webhookEventTypes = ['cart_abandoned', 'form_abandoned', 'rage_click', 'error_click'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** What is sent: a subscribed type, or `test` from "send test event" (to one webhook, whatever it subscribed to). */
export type WebhookPayloadType = WebhookEventType | 'test';
