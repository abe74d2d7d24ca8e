/**
 * Every `error.code` the server answers with (`{ "error": { "code", "message" } }`, the one error shape). A client
 * can switch on these; the server's error types take only these, so a new code is added here or does not compile.
 */
export const reasonCodes = [
  // Any route.
  'bad_request',
  'invalid_json',
  'invalid_body',
  'invalid_query',
  'payload_too_large',
  'not_found',
  'rate_limited',
  'internal',
  'recorder_not_built',
  'viewer_not_built',
  // Sign-in and access.
  'login_required',
  'invalid_token',
  'login_budget_exhausted',
  'cross_origin_request',
  'admin_only',
  'insufficient_role',
  'unknown_project',
  'project_exists',
  'invalid_server_key',
  // Ingest (POST /api/ingest) and server events (POST /api/events).
  'invalid_gzip',
  'too_deep',
  'schema_mismatch',
  'origin_not_allowed',
  'too_many_events',
  'event_too_large',
  'session_too_long',
  'session_conflict',
  'timestamp_out_of_range',
  'page_keys_too_costly',
  'invalid_event',
  // Reads of one thing.
  'session_not_found',
  'window_not_found',
  'snapshot_not_found',
  'funnel_not_found',
  'funnel_too_costly',
  'webhook_not_found',
  'too_many_webhooks',
  // URLs the server would request (webhook receivers, asset hosts), checked when saved.
  'forbidden_address',
  'unresolvable_host',
  // The asset proxy (GET /api/assets).
  'asset_not_signed',
  'assets_blocked',
  'asset_host_not_allowed',
  'asset_forbidden_address',
  'asset_unresolvable',
  'asset_unreachable',
  'asset_timeout',
  'asset_upstream_status',
  'asset_redirect_not_allowed',
  'asset_too_many_redirects',
  'asset_type_refused',
  'asset_too_large',
] as const;

export type ReasonCode = (typeof reasonCodes)[number];

/** The body of every error answer. */
export interface ApiError {
  error: { code: ReasonCode; message: string };
}
