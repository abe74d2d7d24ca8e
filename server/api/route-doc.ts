/**
 * What GET /api/openapi.json says about a route. Each router lists its routes beside them, naming the very zod
 * schemas its handlers parse with, so the document cannot drift from what the server accepts.
 */
import type { z } from 'zod';

/**
 * Who may call: `public` anyone; `read` any signed-in credential; `manage` the admin or a project's manage token;
 * `admin` the admin alone; `server_key` a project's server key (POST /api/events).
 */
export type RouteAccess = 'public' | 'read' | 'manage' | 'admin' | 'server_key';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  /** As registered with Express: `/api/sessions/:id`. */
  path: string;
  /** Groups routes in the document (`Sessions`, `Heatmaps`). */
  tag: string;
  summary: string;
  /** More than the summary says: rules, limits, what is logged. */
  description?: string;
  access: RouteAccess;
  /** Acts on one project, the one `?project=` names (requestProject): the parameter and its 404 are added. */
  scoped?: boolean;
  /** Path parameters: name → what it names. */
  params?: Record<string, string>;
  /** The schema the handler parses `req.query` with. */
  query?: z.ZodObject;
  /** The schema the handler parses the body with. */
  body?: z.ZodType;
  /** Content types the body is read from. Defaults to `application/json`. */
  bodyTypes?: readonly string[];
  /** Whether a body must be sent. Defaults to true when there is a body schema. */
  bodyRequired?: boolean;
  /** Answers that are not errors: status → what comes back. 204 has no body. */
  responses: Record<number, string>;
  /** Content type of the answers above. Defaults to `application/json`. */
  produces?: string;
  /** The route's own refusals (`404: 'session_not_found'`); the ones every route shares are added for it. */
  errors?: Record<number, string>;
}
