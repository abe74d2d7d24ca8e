/**
 * The OpenAPI 3.1 document of the API, built from the routers' RouteDocs: parameters and request bodies are the
 * JSON Schemas of the zod schemas the handlers parse with (z.toJSONSchema, as the client sends them), every error
 * is the one error shape with its reason codes, and security follows each route's access.
 */
import { z } from 'zod';
import { reasonCodes } from '../../contract/reason-codes.ts';
import { SESSION_COOKIE } from '../auth/login-session.ts';
import { integer, projectParam } from './query-params.ts';
import type { RouteDoc } from './route-doc.ts';

type JsonSchema = Record<string, unknown>;

/** The largest value the query strings' integers take (`integer` allows 15 digits). */
const MAX_QUERY_INTEGER = 999_999_999_999_999;

const errorSchema = {
  type: 'object',
  description: 'The one error shape: every refusal and failure of the API answers with it.',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: [...reasonCodes], description: 'What went wrong, for a program to switch on.' },
        message: { type: 'string', description: 'The same for a person, naming the field when a field is at fault.' },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

const securitySchemes = {
  token: {
    type: 'http',
    scheme: 'bearer',
    description: 'The admin token, or a project viewer token (read-only or manage).',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The sign-in cookie POST /api/login sets; changes made with it must come from the viewer\'s origin.',
  },
  serverKey: {
    type: 'http',
    scheme: 'bearer',
    description: "A project's server key (POST /api/projects/{key}/server-key), for POST /api/events only.",
  },
};

/**
 * Query strings carry integers as digit strings (`integer` in query-params.ts parses them): described as the
 * integers they are, with the bounds a following pipe sets.
 */
function describeQueryIntegers(context: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const def = (context.zodSchema as { _zod: { def: { type: string; in?: unknown; out?: unknown } } })._zod.def;
  let bounds: { minimum: number; maximum: number } | undefined;
  if (context.zodSchema === integer) bounds = { minimum: 0, maximum: MAX_QUERY_INTEGER };
  else if (def.type === 'pipe' && def.in === integer && def.out instanceof z.ZodNumber) {
    // zod reports an unset bound as ±Infinity.
    const { minValue, maxValue } = def.out;
    bounds = {
      minimum: Number.isFinite(minValue) ? Math.max(0, minValue!) : 0,
      maximum: Number.isFinite(maxValue) ? Math.min(MAX_QUERY_INTEGER, maxValue!) : MAX_QUERY_INTEGER,
    };
  }
  if (!bounds) return;
  for (const key of Object.keys(context.jsonSchema)) delete context.jsonSchema[key];
  Object.assign(context.jsonSchema, { type: 'integer', ...bounds });
}

/** The schema as a client sends it, without the `$schema` line (the document names its dialect once). */
function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: describeQueryIntegers,
  }) as JsonSchema;
  return rest;
}

function queryParameters(query: z.ZodObject) {
  const schema = jsonSchemaOf(query) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    // A default the handler fills in is worth saying; in JSON Schema's input form it is not there.
    const filled = query.shape[name]?.safeParse(undefined);
    const withDefault = filled?.success && filled.data !== undefined ? { ...rest, default: filled.data } : rest;
    return {
      name,
      in: 'query',
      required: schema.required?.includes(name) ?? false,
      ...(description !== undefined && { description }),
      schema: withDefault,
    };
  });
}

/** The route's query schema, with `project` when it acts on one project and its schema does not list it. */
function queryOf(route: RouteDoc): z.ZodObject {
  const query = route.query ?? z.strictObject({});
  return route.scoped && !('project' in query.shape) ? query.extend(projectParam) : query;
}

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };

/** The refusals every route of its kind shares, then its own. */
function errorResponses(route: RouteDoc): Record<string, { description: string; content: typeof errorContent }> {
  const errors: Record<number, string> = {};
  const add = (status: number, text: string) => {
    errors[status] = errors[status] ? `${errors[status]}; ${text}` : text;
  };
  if (route.query) add(400, 'invalid_query: a query parameter is missing, unknown or malformed (the message names it)');
  if (route.body) add(400, 'invalid_json or invalid_body: the body is not JSON or not of this shape (the message names the field)');
  if (route.access !== 'public' && route.access !== 'server_key') add(401, 'login_required: no valid token or sign-in cookie');
  if (route.scoped) add(404, 'unknown_project: `project` names no project this credential sees');
  if (route.access === 'manage') add(403, 'insufficient_role: a read-only token');
  if (route.access === 'admin') add(403, 'admin_only: a project token');
  if (route.method !== 'get' && route.access !== 'server_key') add(403, 'cross_origin_request: a cookie-borne change from another origin');
  add(429, 'rate_limited or login_budget_exhausted, with Retry-After');
  for (const [status, text] of Object.entries(route.errors ?? {})) add(Number(status), text);
  return Object.fromEntries(
    Object.entries(errors).map(([status, description]) => [status, { description, content: errorContent }]),
  );
}

/** `/api/sessions/:id` → `/api/sessions/{id}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

/** `GET /api/sessions/:id/events` → `getSessionsIdEvents`. */
function operationId(route: RouteDoc): string {
  const words = route.path.replace(/^\/api\//, '').split(/[/:._-]+/).filter(Boolean);
  return route.method + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

function security(route: RouteDoc) {
  if (route.access === 'public') return [];
  if (route.access === 'server_key') return [{ serverKey: [] }];
  return [{ token: [] }, { session: [] }];
}

function operation(route: RouteDoc) {
  const pathParameters = Object.entries(route.params ?? {}).map(([name, description]) => ({
    name,
    in: 'path',
    required: true,
    description,
    schema: { type: 'string' },
  }));
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, description]) => [
      status,
      status === '204' ? { description } : { description, content: { [route.produces ?? 'application/json']: {} } },
    ]),
  );
  const body = route.body && {
    required: route.bodyRequired ?? true,
    content: Object.fromEntries((route.bodyTypes ?? ['application/json']).map((type) => [type, { schema: jsonSchemaOf(route.body!) }])),
  };
  return {
    operationId: operationId(route),
    tags: [route.tag],
    summary: route.summary,
    ...(route.description !== undefined && { description: route.description }),
    'x-sightline-access': route.access,
    security: security(route),
    parameters: [...pathParameters, ...queryParameters(queryOf(route))],
    ...(body && { requestBody: body }),
    responses: { ...responses, ...errorResponses(route) },
  };
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

export function openApiDocument(routes: readonly RouteDoc[], info: DocumentInfo) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    if (paths[path]?.[route.method]) throw new Error(`Two RouteDocs for ${route.method.toUpperCase()} ${route.path}`);
    (paths[path] ??= {})[route.method] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info,
    // Signed in by token or cookie unless an operation says otherwise.
    security: [{ token: [] }, { session: [] }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: { schemas: { Error: errorSchema }, securitySchemes },
  };
}
