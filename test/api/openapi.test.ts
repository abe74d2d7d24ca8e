import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { reasonCodes } from '../../contract/reason-codes.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { PUBLIC_ROUTES, protectedCalls, registeredApiRoutes } from './route-table.ts';

interface Operation {
  operationId: string;
  security: Array<Record<string, string[]>>;
  'x-sightline-access': string;
  parameters: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
  requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: { Error: { properties: { error: { properties: { code: { enum: string[] } } } } } } };
}

/** `GET /api/sessions/:id` as the document names it: method and `/api/sessions/{id}`. */
function documented(doc: Document, route: string): Operation | undefined {
  const [method, path] = route.split(' ') as [string, string];
  return doc.paths[path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method.toLowerCase()];
}

describe('GET /api/openapi.json', () => {
  let server: TestServer;
  let doc: Document;

  beforeAll(async () => {
    server = await startTestServer();
    // No credential: the description holds no data, so tools can read it as they find it.
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    doc = (await response.json()) as Document;
  });
  afterAll(() => server.close());

  test('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  test('every parameter and body schema is a valid JSON Schema 2020-12', () => {
    // The OpenAPI validator checks the document's structure, not the schemas inside it.
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    const schemas: Array<[string, unknown]> = [['Error', doc.components.schemas.Error]];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const parameter of operation.parameters) schemas.push([`${method} ${path} ${parameter.name}`, parameter.schema]);
        for (const [type, { schema }] of Object.entries(operation.requestBody?.content ?? {})) schemas.push([`${method} ${path} ${type}`, schema]);
      }
    }
    const invalid = schemas.filter(([, schema]) => !ajv.validateSchema(schema as object)).map(([name]) => name);
    expect(invalid).toEqual([]);
    expect(ajv.validateSchema({ type: 'integer', maximum: null })).toBe(false);
  });

  test('the validator refuses a document that is not one, so the check above can fail', async () => {
    // Every response needs a description.
    const broken = structuredClone(doc);
    delete (broken.paths['/api/metrics']!.get!.responses['200'] as { description?: string }).description;
    expect((await new Validator().validate(broken as unknown as Record<string, unknown>)).valid).toBe(false);
  });

  const routes = registeredApiRoutes();
  test.each(routes)('lists %s', (route) => {
    expect(documented(doc, route)).toBeDefined();
  });

  test('lists no route the app does not have', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path.replace(/\{([A-Za-z]+)\}/g, ':$1')}`),
    );
    expect(new Set(listed)).toEqual(new Set(routes));
  });

  test.each(protectedCalls.map((call) => [`${call.method} ${call.route}`, call.access] as const))(
    '%s needs a token or the sign-in cookie, for %s',
    (route, access) => {
      const operation = documented(doc, route)!;
      expect(operation['x-sightline-access']).toBe(access);
      expect(operation.security).toEqual([{ token: [] }, { session: [] }]);
      expect(Object.keys(operation.responses)).toContain('401');
    },
  );

  test.each(PUBLIC_ROUTES)('%s needs no sign-in', (route) => {
    const operation = documented(doc, route)!;
    expect(operation.security).toEqual(route === 'POST /api/events' ? [{ serverKey: [] }] : []);
  });

  test('every error is the one error shape, its code one of the reason codes', () => {
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual([...reasonCodes]);
    for (const methods of Object.values(doc.paths)) {
      for (const operation of Object.values(methods)) {
        const errors = Object.entries(operation.responses).filter(([status]) => Number(status) >= 400);
        expect(errors.length).toBeGreaterThan(0);
        for (const [, response] of errors) {
          expect(response.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/Error' });
        }
      }
    }
  });

  test('query parameters are the ones the route parses, with their types, bounds and defaults', () => {
    const heatmap = documented(doc, 'GET /api/heatmaps')!;
    const parameter = (name: string) => heatmap.parameters.find((candidate) => candidate.name === name);
    expect(heatmap.parameters.map((candidate) => candidate.name).sort()).toEqual(['device', 'from', 'kind', 'limit', 'page', 'project', 'to']);
    expect(parameter('page')).toMatchObject({ in: 'query', required: true, schema: { type: 'string', minLength: 1 } });
    expect(parameter('kind')!.schema).toMatchObject({ enum: ['click', 'rage', 'dead', 'error', 'move'], default: 'click' });
    expect(parameter('limit')!.schema).toEqual({ type: 'integer', minimum: 1, maximum: 2000, default: 200 });
    expect(parameter('from')!.schema).toMatchObject({ type: 'integer', minimum: 0 });
    expect(parameter('device')).toMatchObject({ required: false, schema: { enum: ['mobile', 'tablet', 'desktop'] } });
  });

  test('a route that acts on one project takes ?project= even without a query schema of its own', () => {
    const detail = documented(doc, 'GET /api/sessions/:id')!;
    expect(detail.parameters.map((parameter) => `${parameter.in} ${parameter.name}`)).toEqual(['path id', 'query project']);
    expect(Object.keys(detail.responses)).toContain('404');
  });

  test('request bodies are the schemas the routes parse with', () => {
    const funnel = documented(doc, 'POST /api/funnels/query')!.requestBody!;
    expect(funnel.required).toBe(true);
    const schema = funnel.content['application/json']!.schema as {
      required: string[];
      additionalProperties: boolean;
      properties: { steps: { items: { oneOf: unknown[] } }; windowMs: Record<string, unknown> };
    };
    expect(schema.required).toEqual(['steps']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.steps.items.oneOf).toHaveLength(2);
    expect(schema.properties.windowMs).toMatchObject({ type: 'integer', minimum: 1, default: 1_800_000 });

    const ingest = documented(doc, 'POST /api/ingest')!.requestBody!;
    expect(Object.keys(ingest.content)).toEqual(['text/plain', 'application/json']);
    expect((ingest.content['text/plain']!.schema as { required: string[] }).required).toEqual([
      'v', 'project', 'sessionId', 'windowId', 'seq', 'sentAt', 'events',
    ]);
    const rotate = documented(doc, 'POST /api/projects/:key/viewer-token')!.requestBody!;
    expect(rotate.required).toBe(false);
  });
});
