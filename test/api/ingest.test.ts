import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { SessionSummary } from '../../contract/api.ts';
import { sanitizeEvents } from '../../server/ingest/sanitize.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import {
  MALFORMED_EVENT_INDEX,
  MALFORMED_STREAM,
  loadCorpusStream,
  loadValidCorpus,
} from '../helpers/corpus.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import {
  expectApiError,
  ingest,
  makeBatch,
  newId,
  postBatch,
  postBody,
  readAllEvents,
  splitIntoBatches,
} from './support.ts';

// Stored as sanitized: 17 corpus streams hold <script> elements, which ingest replaces by empty comments.
const corpus = loadValidCorpus().map(({ name, events }) => ({ name, events, stored: sanitizeEvents(events).events }));

function countRows(server: TestServer, table: 'chunks' | 'sessions' | 'custom_events' | 'session_pages'): number {
  return server.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}

async function getSession(server: TestServer, id: string): Promise<SessionSummary> {
  const response = await adminFetch(`${server.url}/api/sessions/${id}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { session: SessionSummary }).session;
}

const sampleEvents: RecordedEvent[] = [
  { type: 4, data: { href: 'https://shop.example/', width: 1280, height: 800 }, timestamp: 1_700_000_000_000 },
  { type: 3, data: { source: 2, type: 2, id: 5, x: 10, y: 20 }, timestamp: 1_700_000_000_400 },
  { type: 5, data: { tag: 'sl:track', payload: { name: 'add_to_cart', props: { sku: 'A1' } } }, timestamp: 1_700_000_000_500 },
];

describe('POST /api/ingest', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test.each(corpus)('stores $name in one batch and reads it back event for event', async ({ events, stored: expected }) => {
    const batch = makeBatch(events);
    const ack = await ingest(server.url, batch, { gzip: true });
    expect(ack).toEqual({ ok: true, sessionId: batch.sessionId, windowId: batch.windowId, seq: 0, duplicate: false });
    const stored = await readAllEvents(server.url, batch.sessionId);
    expect(stored.events).toStrictEqual(expected);
    expect((await getSession(server, batch.sessionId)).eventCount).toBe(events.length);
  });

  test.each(corpus)('stores $name split into batches of 3 and reads it back in order', async ({ events, stored: expected }) => {
    const sessionId = newId();
    const windowId = newId();
    const batches = splitIntoBatches(events, 3, { sessionId, windowId });
    // Alternate plain and gzip bodies, as a recorder without CompressionStream would mix with one that has it.
    for (const [index, batch] of batches.entries()) await ingest(server.url, batch, { gzip: index % 2 === 0 });
    const stored = await readAllEvents(server.url, sessionId, { limit: 4 });
    expect(stored.events).toStrictEqual(expected);
    expect((await getSession(server, sessionId)).eventCount).toBe(events.length);
  });

  test('rejects the malformed filipkrw stream with 400 schema_mismatch naming events[155] and stores nothing', async () => {
    const before = { chunks: countRows(server, 'chunks'), sessions: countRows(server, 'sessions') };
    const batch = makeBatch(loadCorpusStream(MALFORMED_STREAM));
    const error = await expectApiError(await postBatch(server.url, batch, { gzip: true }), 400, 'schema_mismatch');
    expect(error.message).toMatch(new RegExp(`^events\\[${MALFORMED_EVENT_INDEX}\\]\\.type: expected number`));
    expect({ chunks: countRows(server, 'chunks'), sessions: countRows(server, 'sessions') }).toEqual(before);
    await expectApiError(await adminFetch(`${server.url}/api/sessions/${batch.sessionId}`), 404, 'session_not_found');
  });

  test.each<{ name: string; gzip: boolean; headers: Record<string, string> }>([
    { name: 'plain JSON as text/plain', gzip: false, headers: { 'Content-Type': 'text/plain' } },
    { name: 'plain JSON as application/json', gzip: false, headers: { 'Content-Type': 'application/json' } },
    { name: 'gzip as text/plain without Content-Encoding', gzip: true, headers: { 'Content-Type': 'text/plain' } },
    { name: 'gzip with Content-Encoding: gzip', gzip: true, headers: { 'Content-Encoding': 'gzip' } },
    { name: 'gzip as application/octet-stream', gzip: true, headers: { 'Content-Type': 'application/octet-stream' } },
  ])('accepts $name', async ({ gzip, headers }) => {
    const batch = makeBatch(sampleEvents);
    const response = await postBatch(server.url, batch, { gzip, headers });
    expect(response.status).toBe(200);
    expect((await readAllEvents(server.url, batch.sessionId)).events).toStrictEqual(sampleEvents);
  });

  test('keeps unknown fields of events untouched', async () => {
    const events = [
      { type: 4, data: { href: 'https://shop.example/', width: 800, height: 600 }, timestamp: 1, delay: 12 },
      { type: 6, data: { plugin: 'rrweb/console@1', payload: { level: 'log' } }, timestamp: 2, extra: { nested: [1, 'x'] } },
    ];
    const batch = makeBatch(events);
    await ingest(server.url, batch);
    expect((await readAllEvents(server.url, batch.sessionId)).events).toStrictEqual(events);
  });

  test('stores a re-sent batch once and answers duplicate: true the second time', async () => {
    const batch = makeBatch(sampleEvents);
    expect((await ingest(server.url, batch, { gzip: true })).duplicate).toBe(false);
    const first = await getSession(server, batch.sessionId);
    // Even a re-send with different content is dropped: the first copy of a seq is the one acknowledged.
    const resent = { ...batch, events: [...sampleEvents, ...sampleEvents], sentAt: batch.sentAt + 1000 };
    expect(await ingest(server.url, resent)).toEqual({
      ok: true,
      sessionId: batch.sessionId,
      windowId: batch.windowId,
      seq: 0,
      duplicate: true,
    });
    const second = await getSession(server, batch.sessionId);
    expect(second).toEqual(first);
    expect(second.eventCount).toBe(sampleEvents.length);
    expect(second.clickCount).toBe(1);
    expect((await readAllEvents(server.url, batch.sessionId)).events).toStrictEqual(sampleEvents);
    const marks = await (await adminFetch(`${server.url}/api/sessions/${batch.sessionId}`)).json();
    expect(marks.marks).toHaveLength(1);
  });

  test('rejects a body that starts like gzip but is not with 400 invalid_gzip', async () => {
    const corrupt = gzipSync(JSON.stringify(makeBatch(sampleEvents))).subarray(0, 30);
    await expectApiError(await postBody(server.url, corrupt), 400, 'invalid_gzip');
  });

  test.each([
    { name: 'truncated JSON', body: '{"v":1,"project":"demo","events":[' },
    { name: 'an empty body', body: '' },
    { name: 'text that is not JSON', body: 'hello' },
  ])('rejects $name with 400 invalid_json', async ({ body }) => {
    await expectApiError(await postBody(server.url, body), 400, 'invalid_json');
  });

  test('rejects malformed JSON inside a valid gzip stream with 400 invalid_json', async () => {
    await expectApiError(await postBody(server.url, gzipSync('{"v":1,')), 400, 'invalid_json');
  });

  test.each([
    { field: 'v', batch: { v: 2 }, path: 'v' },
    { field: 'project', batch: { project: 42 }, path: 'project' },
    { field: 'sessionId with a slash', batch: { sessionId: '../etc' }, path: 'sessionId' },
    { field: 'an over-long windowId', batch: { windowId: 'w'.repeat(129) }, path: 'windowId' },
    { field: 'a negative seq', batch: { seq: -1 }, path: 'seq' },
    { field: 'a fractional seq', batch: { seq: 1.5 }, path: 'seq' },
    { field: 'a missing sentAt', batch: { sentAt: undefined }, path: 'sentAt' },
    { field: 'no events', batch: { events: [] }, path: 'events' },
    { field: 'an event type above 6', batch: { events: [{ type: 7, data: {}, timestamp: 1 }] }, path: 'events[0].type' },
    { field: 'a string timestamp', batch: { events: [{ type: 2, data: {}, timestamp: '1' }] }, path: 'events[0].timestamp' },
    { field: 'an event without data', batch: { events: [{ type: 2, timestamp: 1 }] }, path: 'events[0].data' },
    { field: 'an event that is not an object', batch: { events: [3] }, path: 'events[0]' },
  ])('rejects a batch with $field with 400 schema_mismatch naming $path', async ({ batch, path }) => {
    const body = { ...makeBatch(sampleEvents), ...batch };
    const error = await expectApiError(await postBatch(server.url, body), 400, 'schema_mismatch');
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });

  test('rejects a batch for an unknown project with 403 unknown_project', async () => {
    const batch = makeBatch(sampleEvents, { project: 'no-such-project' });
    await expectApiError(await postBatch(server.url, batch), 403, 'unknown_project');
    await expectApiError(await adminFetch(`${server.url}/api/sessions/${batch.sessionId}`), 404, 'session_not_found');
  });

  test('refuses to add to a session of another project with 409 session_conflict', async () => {
    server.db.prepare("INSERT INTO projects (key, name, created_at) VALUES ('other-shop', 'Other shop', 0)").run();
    const batch = makeBatch(sampleEvents);
    await ingest(server.url, batch);
    const intruder = { ...batch, project: 'other-shop', windowId: newId() };
    await expectApiError(await postBatch(server.url, intruder), 409, 'session_conflict');
    expect((await getSession(server, batch.sessionId)).windows).toEqual([batch.windowId]);
  });

  test('answers CORS preflights from any origin with 204', async () => {
    const response = await fetch(`${server.url}/api/ingest`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://store.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, content-encoding',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = response.headers.get('access-control-allow-headers')?.toLowerCase() ?? '';
    expect(allowed).toContain('content-type');
    expect(allowed).toContain('content-encoding');
  });

  test('lets any origin read both acknowledgements and errors', async () => {
    const headers = { Origin: 'https://store.example' };
    const accepted = await postBatch(server.url, makeBatch(sampleEvents), { headers });
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('access-control-allow-origin')).toBe('*');
    const rejected = await postBody(server.url, 'nope', headers);
    expect(rejected.headers.get('access-control-allow-origin')).toBe('*');
    await expectApiError(rejected, 400, 'invalid_json');
  });

  test('answers GET /api/ingest with 404 not_found', async () => {
    await expectApiError(await adminFetch(`${server.url}/api/ingest`), 404, 'not_found');
  });
});

describe('POST /api/ingest limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxBodyBytes: 4096, maxInflatedBytes: 64 * 1024, maxEventsPerBatch: 5 });
  });
  afterAll(() => server.close());

  const padded = (bytes: number) =>
    makeBatch([{ type: 5, data: { tag: 'pad', payload: 'x'.repeat(bytes) }, timestamp: 1 }]);

  test('rejects a body over the size limit with 413 payload_too_large', async () => {
    const batch = padded(5000);
    await expectApiError(await postBatch(server.url, batch), 413, 'payload_too_large');
    expect(countRows(server, 'chunks')).toBe(0);
  });

  test('rejects a body streamed without Content-Length over the limit with 413', async () => {
    const json = new TextEncoder().encode(JSON.stringify(padded(20_000)));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let start = 0; start < json.length; start += 1000) controller.enqueue(json.subarray(start, start + 1000));
        controller.close();
      },
    });
    const response = await fetch(`${server.url}/api/ingest`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    await expectApiError(response, 413, 'payload_too_large');
  });

  test('rejects gzip that inflates past the limit with 413 payload_too_large', async () => {
    const compressed = gzipSync(JSON.stringify(padded(200_000)));
    expect(compressed.length).toBeLessThan(4096);
    const error = await expectApiError(await postBody(server.url, compressed), 413, 'payload_too_large');
    expect(error.message).toMatch(/decompress/i);
    expect(countRows(server, 'chunks')).toBe(0);
  });

  test('accepts gzip that is small once inflated', async () => {
    const compressed = gzipSync(JSON.stringify(padded(30_000)));
    expect(compressed.length).toBeLessThan(4096);
    expect((await postBody(server.url, compressed)).status).toBe(200);
  });

  test('rejects a batch over the event limit with 400 too_many_events', async () => {
    const events = Array.from({ length: 6 }, (_, index) => ({ type: 3, data: { source: 1 }, timestamp: index }));
    const error = await expectApiError(await postBatch(server.url, makeBatch(events)), 400, 'too_many_events');
    expect(error.message).toContain('5');
  });
});

describe('POST /api/ingest atomicity', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('never half-writes a batch: a failure inside the transaction rolls back the chunk and the session', async () => {
    // The custom_events insert is the last write of the transaction: failing it must undo the chunk before it.
    server.db.exec("CREATE TRIGGER fail_custom_events BEFORE INSERT ON custom_events BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    const batch = makeBatch(sampleEvents);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expectApiError(await postBatch(server.url, batch), 500, 'internal');
      expect(logged).toHaveBeenCalledOnce();
    } finally {
      logged.mockRestore();
    }
    expect(countRows(server, 'chunks')).toBe(0);
    expect(countRows(server, 'sessions')).toBe(0);
    expect(countRows(server, 'session_pages')).toBe(0);

    // Once the fault is gone the recorder's retry is stored as new, not mistaken for a duplicate.
    server.db.exec('DROP TRIGGER fail_custom_events');
    expect((await ingest(server.url, batch)).duplicate).toBe(false);
    expect(countRows(server, 'chunks')).toBe(1);
    expect(countRows(server, 'custom_events')).toBe(1);
  });
});
