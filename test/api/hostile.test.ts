/**
 * Hostile ingest bodies: each is refused with a 4xx and a reason code, or accepted with its payload removed, and
 * after every case the server still answers and a session stored beforehand reads back unchanged.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { IngestBatch, RecordedEvent } from '../../contract/protocol.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError, ingest, makeBatch, newId, postBatch, postBody, readAllEvents } from './support.ts';
import { el, type SnapshotNode as Node } from '../helpers/snapshot-nodes.ts';

const T0 = 1_700_000_000_000;
const HOUR = 60 * 60 * 1000;
const MiB = 1024 * 1024;

/** Meta plus a full snapshot whose body holds `children`: the smallest recording a player accepts. */
function recording(...children: Node[]): RecordedEvent[] {
  const document = { type: 0, childNodes: [el(2, 'html', {}, [el(3, 'head'), el(4, 'body', {}, children)])], id: 1 };
  return [
    { type: 4, data: { href: 'https://shop.example/', width: 1280, height: 800 }, timestamp: T0 },
    { type: 2, data: { node: document, initialOffset: { left: 0, top: 0 } }, timestamp: T0 + 10 },
  ];
}
const mutation = (timestamp: number, data: Node): RecordedEvent => ({
  type: 3,
  data: { source: 0, texts: [], attributes: [], removes: [], adds: [], ...data },
  timestamp,
});

const goodEvents: RecordedEvent[] = [
  ...recording(el(10, 'a', { href: '/cart' }, [{ type: 3, textContent: 'Cart', id: 11 }])),
  { type: 3, data: { source: 2, type: 2, id: 10, x: 10, y: 20 }, timestamp: T0 + 400 },
];
const validBatch = (fields: Partial<IngestBatch> = {}) => makeBatch(recording(el(10, 'p')), fields);
/** A valid batch with one field replaced by anything at all, for the wrong-type cases. */
const withField = (field: string, value: unknown) => JSON.stringify({ ...validBatch(), [field]: value });
const withoutField = (field: string) => {
  const batch: Record<string, unknown> = { ...validBatch() };
  delete batch[field];
  return JSON.stringify(batch);
};
const withEvent = (event: unknown) => JSON.stringify({ ...validBatch(), events: [event] });

interface Rejection {
  name: string;
  body: () => string | Uint8Array;
  status: number;
  code: string;
}

const rejections: Rejection[] = [
  // Encodings
  { name: 'malformed gzip', body: () => Buffer.from([0x1f, 0x8b, 0x08, 0, 0xde, 0xad, 0xbe, 0xef]), status: 400, code: 'invalid_gzip' },
  { name: 'truncated gzip', body: () => gzipSync(JSON.stringify(validBatch())).subarray(0, 40), status: 400, code: 'invalid_gzip' },
  { name: 'gzip bomb (200 MiB of zeros)', body: () => gzipSync(Buffer.alloc(200 * MiB)), status: 413, code: 'payload_too_large' },
  { name: 'body over the size limit', body: () => 'x'.repeat(2 * MiB), status: 413, code: 'payload_too_large' },
  { name: 'truncated JSON', body: () => JSON.stringify(validBatch()).slice(0, 100), status: 400, code: 'invalid_json' },
  { name: 'NaN as a bare value', body: () => '{"v":1,"seq":NaN}', status: 400, code: 'invalid_json' },
  { name: 'invalid UTF-8', body: () => Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), status: 400, code: 'invalid_json' },
  // Size and shape caps
  {
    name: 'JSON nested 100 000 levels deep',
    // Spliced in as text: JSON.stringify itself would overflow the stack on it.
    body: () => withEvent({ type: 3, timestamp: T0, data: 'DEEP' }).replace('"DEEP"', `${'['.repeat(100_000)}${']'.repeat(100_000)}`),
    status: 400,
    code: 'too_deep',
  },
  {
    name: 'a gzipped event with a 6 MiB string',
    body: () => gzipSync(withEvent({ type: 5, timestamp: T0, data: { tag: 'x', payload: 'A'.repeat(6 * MiB) } })),
    status: 400,
    code: 'event_too_large',
  },
  {
    name: 'more events than a batch may hold',
    body: () => JSON.stringify(makeBatch(Array.from({ length: 10_001 }, () => ({ type: 3, timestamp: T0, data: {} })))),
    status: 400,
    code: 'too_many_events',
  },
  {
    name: 'events spanning 13 hours',
    body: () => JSON.stringify(makeBatch([...recording(), { type: 3, timestamp: T0 + 13 * HOUR, data: { source: 1 } }])),
    status: 400,
    code: 'session_too_long',
  },
  // Wrong types for every batch field
  { name: 'v: 2', body: () => withField('v', 2), status: 400, code: 'schema_mismatch' },
  { name: 'v as a string', body: () => withField('v', '1'), status: 400, code: 'schema_mismatch' },
  { name: 'project as a number', body: () => withField('project', 5), status: 400, code: 'schema_mismatch' },
  { name: 'empty project', body: () => withField('project', ''), status: 400, code: 'schema_mismatch' },
  { name: 'sessionId as a number', body: () => withField('sessionId', 42), status: 400, code: 'schema_mismatch' },
  { name: 'windowId as an array', body: () => withField('windowId', ['a']), status: 400, code: 'schema_mismatch' },
  { name: 'seq as a string', body: () => withField('seq', '0'), status: 400, code: 'schema_mismatch' },
  { name: 'negative seq', body: () => withField('seq', -1), status: 400, code: 'schema_mismatch' },
  { name: 'float seq', body: () => withField('seq', 1.5), status: 400, code: 'schema_mismatch' },
  { name: 'seq overflowing to Infinity (1e400)', body: () => withField('seq', 0).replace('"seq":0', '"seq":1e400'), status: 400, code: 'schema_mismatch' },
  { name: 'sentAt as a string', body: () => withField('sentAt', 'now'), status: 400, code: 'schema_mismatch' },
  { name: 'sentAt null', body: () => withField('sentAt', null), status: 400, code: 'schema_mismatch' },
  { name: 'missing events', body: () => withoutField('events'), status: 400, code: 'schema_mismatch' },
  { name: 'empty events', body: () => withField('events', []), status: 400, code: 'schema_mismatch' },
  { name: 'events as an object', body: () => withField('events', { 0: goodEvents[0] }), status: 400, code: 'schema_mismatch' },
  { name: 'events as a string', body: () => withField('events', '[]'), status: 400, code: 'schema_mismatch' },
  { name: 'a batch that is an array', body: () => JSON.stringify([validBatch()]), status: 400, code: 'schema_mismatch' },
  { name: 'a batch that is null', body: () => 'null', status: 400, code: 'schema_mismatch' },
  // Wrong events
  { name: 'event type 99', body: () => withEvent({ type: 99, timestamp: T0, data: {} }), status: 400, code: 'schema_mismatch' },
  { name: 'event type as a string', body: () => withEvent({ type: '2', timestamp: T0, data: {} }), status: 400, code: 'schema_mismatch' },
  { name: 'event timestamp as a string', body: () => withEvent({ type: 3, timestamp: 'x', data: {} }), status: 400, code: 'schema_mismatch' },
  { name: 'event without data', body: () => withEvent({ type: 3, timestamp: T0 }), status: 400, code: 'schema_mismatch' },
  { name: 'event null', body: () => withEvent(null), status: 400, code: 'schema_mismatch' },
  // Forged ids and keys
  { name: 'sessionId with path characters', body: () => withField('sessionId', '../../etc/passwd'), status: 400, code: 'schema_mismatch' },
  { name: 'sessionId with markup', body: () => withField('sessionId', '<script>alert(1)</script>'), status: 400, code: 'schema_mismatch' },
  { name: 'sessionId of 129 characters', body: () => withField('sessionId', 'a'.repeat(129)), status: 400, code: 'schema_mismatch' },
  { name: 'windowId with a NUL byte', body: () => withField('windowId', 'ab\u0000cd'), status: 400, code: 'schema_mismatch' },
  { name: 'unknown project key', body: () => withField('project', 'no-such-project'), status: 403, code: 'unknown_project' },
  { name: 'project key "__proto__"', body: () => withField('project', '__proto__'), status: 403, code: 'unknown_project' },
  { name: 'project key "toString"', body: () => withField('project', 'toString'), status: 403, code: 'unknown_project' },
];

interface Sanitized {
  name: string;
  events: RecordedEvent[];
  /** Text of the payload, which must not be found in what is stored. */
  payload: string;
}

const sanitized: Sanitized[] = [
  { name: 'script element', events: recording(el(10, 'script', {}, [{ type: 3, textContent: 'alert("PAYLOAD")', id: 11 }])), payload: 'PAYLOAD' },
  { name: 'script src', events: recording(el(10, 'script', { src: 'https://evil.example/PAYLOAD.js' })), payload: 'PAYLOAD' },
  { name: 'onclick attribute', events: recording(el(10, 'button', { onclick: 'PAYLOAD()' })), payload: 'PAYLOAD' },
  { name: 'onerror attribute', events: recording(el(10, 'img', { src: '/x.png', onerror: 'PAYLOAD()' })), payload: 'PAYLOAD' },
  { name: 'onload attribute', events: recording(el(10, 'body', { onload: 'PAYLOAD()' })), payload: 'PAYLOAD' },
  { name: 'javascript: href', events: recording(el(10, 'a', { href: 'javascript:PAYLOAD()' })), payload: 'PAYLOAD' },
  { name: 'vbscript: href', events: recording(el(10, 'a', { href: 'vbscript:PAYLOAD' })), payload: 'PAYLOAD' },
  { name: 'data:text/html src', events: recording(el(10, 'iframe', { src: 'data:text/html,<b>PAYLOAD</b>' })), payload: 'PAYLOAD' },
  { name: 'form action javascript:', events: recording(el(10, 'form', { action: 'javascript:PAYLOAD()' })), payload: 'PAYLOAD' },
  { name: 'iframe srcdoc', events: recording(el(10, 'iframe', { srcdoc: '<script>PAYLOAD()</script>' })), payload: 'PAYLOAD' },
  { name: 'base element', events: recording(el(10, 'base', { href: 'https://PAYLOAD.example/' })), payload: 'PAYLOAD' },
  {
    name: 'meta refresh',
    events: recording(el(10, 'meta', { 'http-equiv': 'refresh', content: '0;url=https://PAYLOAD.example/' })),
    payload: 'PAYLOAD',
  },
  {
    name: 'SVG script',
    events: recording(el(10, 'svg', {}, [{ ...el(11, 'script', {}, [{ type: 3, textContent: 'PAYLOAD()', id: 12 }]), isSVG: true }])),
    payload: 'PAYLOAD',
  },
  {
    name: 'SVG xlink:href javascript:',
    events: recording(el(10, 'svg', {}, [{ ...el(11, 'a', { 'xlink:href': 'javascript:PAYLOAD()' }), isSVG: true }])),
    payload: 'PAYLOAD',
  },
  { name: 'style url(javascript:)', events: recording(el(10, 'div', { style: 'background:url(javascript:PAYLOAD())' })), payload: 'PAYLOAD' },
  {
    name: 'attribute mutation setting onclick',
    events: [...recording(el(10, 'button')), mutation(T0 + 100, { attributes: [{ id: 10, attributes: { onclick: 'PAYLOAD()' } }] })],
    payload: 'PAYLOAD',
  },
  {
    name: 'attribute mutation turning a meta into a refresh',
    events: [
      ...recording(el(10, 'meta', { name: 'x' })),
      mutation(T0 + 100, { attributes: [{ id: 10, attributes: { 'HTTP-EQUIV': ' Refresh ', content: '0;url=https://PAYLOAD.example/' } }] }),
    ],
    payload: 'PAYLOAD',
  },
  { name: "style url(javascript:) with a quote inside", events: recording(el(10, 'div', { style: "background:url(javascript:PAYLOAD('x'))" })), payload: 'PAYLOAD' },
  {
    name: 'style text with escaped, commented and imported code URLs',
    events: recording(
      el(10, 'style', {}, [
        { type: 3, textContent: '@import "javascript:PAYLOAD()"; p{background:url(/**/\\6a avascript:PAYLOAD)} i{background:image-set("vbscript:PAYLOAD" 1x)}', id: 11 },
      ]),
    ),
    payload: 'PAYLOAD',
  },
  {
    name: 'stylesheet rule with url(javascript:) in capitals',
    events: [...recording(), { type: 3, timestamp: T0 + 100, data: { source: 8, id: 1, adds: [{ rule: 'p{background:URL( "JAVASCRIPT:PAYLOAD" )}', index: 0 }] } }],
    payload: 'PAYLOAD',
  },
  {
    name: 'mutation adding a script',
    events: [...recording(), mutation(T0 + 100, { adds: [{ parentId: 4, nextId: null, node: el(20, 'script', { src: '/PAYLOAD.js' }) }] })],
    payload: 'PAYLOAD',
  },
];

/** Whether any element in the stored events is a script: text that mentions one is fine, a node is not. */
const hasScriptElement = (events: unknown) => /"tagName":"(?:[a-z]+:)?script"/i.test(JSON.stringify(events));

describe('hostile ingest', () => {
  let server: TestServer;
  const goodSessionId = newId();

  const expectServerIntact = async () => {
    expect((await adminFetch(`${server.url}/api/sessions`)).status).toBe(200);
    expect((await readAllEvents(server.url, goodSessionId)).events).toStrictEqual(goodEvents);
  };

  beforeAll(async () => {
    server = await startTestServer();
    await ingest(server.url, makeBatch(goodEvents, { sessionId: goodSessionId }));
    await expectServerIntact();
  });
  afterAll(() => server.close());

  test.each(rejections)('refuses $name with $status $code', async ({ body, status, code }) => {
    const chunksBefore = server.db.prepare('SELECT count(*) FROM chunks').pluck().get();
    await expectApiError(await postBody(server.url, body()), status, code);
    expect(server.db.prepare('SELECT count(*) FROM chunks').pluck().get()).toBe(chunksBefore);
    await expectServerIntact();
  });

  test.each(sanitized)('accepts a $name but stores it without the payload', async ({ events, payload }) => {
    expect(JSON.stringify(events)).toContain(payload);
    const batch = makeBatch(events);
    await ingest(server.url, batch);
    const stored = (await readAllEvents(server.url, batch.sessionId)).events;
    expect(stored).toHaveLength(events.length);
    expect(JSON.stringify(stored)).not.toContain(payload);
    expect(hasScriptElement(stored)).toBe(false);
    await expectServerIntact();
  });

  test('strips a refresh content set in a later batch on a meta from an earlier one', async () => {
    const first = makeBatch(recording(el(10, 'meta', { name: 'x' })));
    await ingest(server.url, first);
    const change = mutation(T0 + 100, { attributes: [{ id: 10, attributes: { content: '0;url=https://PAYLOAD.example/' } }] });
    await ingest(server.url, makeBatch([change], { sessionId: first.sessionId, windowId: first.windowId, seq: 1 }));
    const stored = (await readAllEvents(server.url, first.sessionId)).events;
    expect(stored).toHaveLength(3);
    expect(JSON.stringify(stored)).not.toContain('PAYLOAD');
    await expectServerIntact();
  });

  test('keeps a text mutation that reads like a script as text', async () => {
    const events = [...recording(el(10, 'p', {}, [{ type: 3, textContent: 'hi', id: 11 }]))];
    events.push(mutation(T0 + 100, { texts: [{ id: 11, value: '<script>alert(1)</script>' }] }));
    const batch = makeBatch(events);
    await ingest(server.url, batch);
    const stored = (await readAllEvents(server.url, batch.sessionId)).events;
    expect(stored).toStrictEqual(events);
    expect(hasScriptElement(stored)).toBe(false);
    await expectServerIntact();
  });

  test('stores a replayed sequence number once, keeping the first content', async () => {
    const batch = validBatch();
    await ingest(server.url, batch);
    const forged = { ...batch, events: recording(el(10, 'p', { title: 'forged' })) };
    expect(await ingest(server.url, forged)).toMatchObject({ seq: 0, duplicate: true });
    expect((await readAllEvents(server.url, batch.sessionId)).events).toStrictEqual(batch.events);
    await expectServerIntact();
  });

  test('refuses a later batch that stretches a session over 12 hours', async () => {
    const first = validBatch();
    await ingest(server.url, first);
    const late = { ...first, seq: 1, events: [{ type: 3, data: { source: 1, positions: [] }, timestamp: T0 + 12 * HOUR + 1 }] };
    await expectApiError(await postBatch(server.url, late), 400, 'session_too_long');
    expect((await readAllEvents(server.url, first.sessionId)).events).toStrictEqual(first.events);
    await expectServerIntact();
  });

  test('accepts one stray timestamp 100 days out inside a batch (a clock glitch), as a real corpus stream has', async () => {
    const events = [...recording(), { type: 3, data: { source: 1, positions: [] }, timestamp: T0 + 2400 * HOUR }];
    events.push({ type: 3, data: { source: 1, positions: [] }, timestamp: T0 + 500 });
    const batch = makeBatch(events);
    await ingest(server.url, batch);
    expect((await readAllEvents(server.url, batch.sessionId)).events).toStrictEqual(events);
  });

  test('refuses a batch for a session of another project with 409 session_conflict', async () => {
    server.db.prepare("INSERT INTO projects (key, name, created_at) VALUES ('other-shop', 'Other', 0)").run();
    const batch = validBatch();
    await ingest(server.url, batch);
    const intruder = { ...batch, project: 'other-shop', seq: 1 };
    await expectApiError(await postBatch(server.url, intruder), 409, 'session_conflict');
    expect((await readAllEvents(server.url, batch.sessionId)).events).toStrictEqual(batch.events);
    await expectServerIntact();
  });

  test('stores __proto__ and constructor keys as plain data without polluting prototypes', async () => {
    const body = JSON.stringify(validBatch()).replace(
      '"tagName":"p","attributes":{}',
      '"tagName":"p","attributes":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}',
    );
    const batch = JSON.parse(body) as IngestBatch;
    expect(Object.keys(JSON.parse(body).events[1].data.node.childNodes[0].childNodes[1].childNodes[0].attributes)).toEqual([
      '__proto__',
      'constructor',
    ]);
    const response = await postBody(server.url, `{"__proto__":{"polluted":"yes"},${body.slice(1)}`);
    expect(response.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const stored = (await readAllEvents(server.url, batch.sessionId)).events;
    expect(JSON.stringify(stored)).toBe(JSON.stringify(batch.events));
    await expectServerIntact();
  });
});
