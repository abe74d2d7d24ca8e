import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionDetail, TimelineMark } from '../../contract/api.ts';
import { serverKeyHash } from '../../server/auth/server-key.ts';
import { adminFetch, startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../../support/server.ts';
import { identifyEvent, makeServerKey, postEvents, sendEvents } from './server-event-support.ts';
import { visit } from './shop-events.ts';
import { expectApiError, ingest, makeBatch, newId } from './support.ts';

const MINUTE = 60_000;
const T0 = Date.UTC(2024, 8, 2, 9);

describe('POST /api/projects/:key/server-key', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('needs the admin', async () => {
    await expectApiError(await fetch(`${server.url}/api/projects/demo/server-key`, { method: 'POST' }), 401, 'login_required');
  });

  test('answers 404 unknown_project for a key no project has', async () => {
    await expectApiError(await adminFetch(`${server.url}/api/projects/nope/server-key`, { method: 'POST' }), 404, 'unknown_project');
  });

  test('shows a new 192-bit key once and stores only its SHA-256', async () => {
    const first = await makeServerKey(server);
    const second = await makeServerKey(server);
    expect(first).toMatch(/^sl_sk_[A-Za-z0-9_-]{32}$/);
    expect(second).not.toBe(first);
    const stored = server.db.prepare("SELECT server_key_hash FROM projects WHERE key = 'demo'").pluck().get();
    expect(stored).toBe(serverKeyHash(second));
    const projects = await (await adminFetch(`${server.url}/api/projects`)).text();
    expect(projects).not.toContain(second);
    expect(projects).not.toContain(String(stored));
  });
});

describe('POST /api/events', () => {
  let server: TestServer;
  let key: string;
  const event = (fields: Record<string, unknown> = {}) => ({
    id: newId(),
    name: 'purchase',
    sessionId: newId(),
    timestamp: T0,
    props: { orderId: 'A-1', value: 10 },
    ...fields,
  });
  const serverMarks = async (sessionId: string): Promise<TimelineMark[]> => {
    const detail = (await (await adminFetch(`${server.url}/api/sessions/${sessionId}`)).json()) as SessionDetail;
    return detail.marks.filter((mark) => mark.server);
  };

  beforeAll(async () => {
    server = await startTestServer({ maxServerEventsPerRequest: 4 });
    key = await makeServerKey(server);
    server.db.prepare("INSERT INTO projects (key, name, created_at) VALUES ('other-shop', 'Other shop', 0)").run();
  });
  afterAll(() => server.close());

  test.each([
    { case: 'no Authorization header', authorization: null },
    { case: 'a wrong key', authorization: 'Bearer sl_sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    { case: 'the public ingest key', authorization: 'Bearer demo' },
    { case: 'the admin token', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    { case: 'an empty bearer', authorization: 'Bearer ' },
  ])('refuses $case with 401 invalid_server_key', async ({ authorization }) => {
    const headers: Record<string, string> = authorization === null ? {} : { Authorization: authorization };
    const response = await postEvents(server, null, event(), headers);
    await expectApiError(response, 401, 'invalid_server_key');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  test('refuses a key that was rotated away, and takes the new one', async () => {
    const other = await startTestServer();
    try {
      const old = await makeServerKey(other);
      const current = await makeServerKey(other);
      await expectApiError(await postEvents(other, old, event()), 401, 'invalid_server_key');
      expect((await sendEvents(other, current, event())).created).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  test.each([
    { case: 'an event without id', body: event({ id: undefined }), code: 'invalid_event', path: 'id' },
    { case: 'an id with spaces', body: event({ id: 'order 1' }), code: 'invalid_event', path: 'id' },
    { case: 'an empty name', body: event({ name: '' }), code: 'invalid_event', path: 'name' },
    { case: 'neither sessionId nor userId', body: event({ sessionId: undefined }), code: 'invalid_event', path: 'sessionId' },
    { case: 'a sessionId of another shape', body: event({ sessionId: 'a/b' }), code: 'invalid_event', path: 'sessionId' },
    // Timestamps outside the accepted window: test/api/event-time.test.ts.
    { case: 'a date without time zone', body: event({ timestamp: '2024-09-02T09:00:00' }), code: 'invalid_event', path: 'timestamp' },
    { case: 'props as an array', body: event({ props: [1, 2] }), code: 'invalid_event', path: 'props' },
    { case: 'an unknown field', body: event({ session: 'x' }), code: 'invalid_event', path: '(root)' },
    { case: 'a bad event inside a list', body: { events: [event(), event({ timestamp: 'yesterday' })] }, code: 'invalid_event', path: 'events[1].timestamp' },
    { case: 'an empty list', body: { events: [] }, code: 'invalid_event', path: 'events' },
    { case: 'more events than allowed', body: { events: [event(), event(), event(), event(), event()] }, code: 'too_many_events', path: '' },
    { case: 'a body that is not JSON', body: '{"id": ', code: 'invalid_json', path: '' },
  ])('refuses $case with 400 $code naming the bad path', async ({ body, code, path }) => {
    const error = await expectApiError(await postEvents(server, key, body), 400, code);
    expect(error.message.startsWith(path)).toBe(true);
  });

  test('stores nothing of a request it refuses', async () => {
    const good = event();
    await expectApiError(await postEvents(server, key, { events: [good, event({ name: '' })] }), 400, 'invalid_event');
    expect((await sendEvents(server, key, good)).created).toEqual([good.id]);
  });

  test('takes a timestamp as ms or as an ISO date-time with a zone', async () => {
    const sessionId = newId();
    await ingest(server.url, makeBatch(visit(T0).load(0, '/demo/checkout.html'), { sessionId }));
    const iso = event({ sessionId, timestamp: '2024-09-02T11:00:00.250+02:00', name: 'coupon_applied' });
    const ms = event({ sessionId, timestamp: T0 + 5, name: 'purchase' });
    await sendEvents(server, key, { events: [iso, ms] });
    expect((await serverMarks(sessionId)).map((mark) => [mark.label, mark.ts])).toEqual([
      ['purchase', T0 + 5],
      ['coupon_applied', T0 + 250],
    ]);
  });

  test('is idempotent by event id: a re-sent id is stored once and answered as a duplicate', async () => {
    const sessionId = newId();
    await ingest(server.url, makeBatch(visit(T0).load(0, '/demo/checkout.html'), { sessionId }));
    const [a, b, c] = [event({ sessionId }), event({ sessionId }), event({ sessionId })];
    expect(await sendEvents(server, key, { events: [a, b] })).toEqual({ ok: true, created: [a.id, b.id], duplicates: [], withoutSession: [] });
    // A retry of the whole request, with one new event and that one twice.
    expect(await sendEvents(server, key, { events: [a, c, b, c] })).toEqual({
      ok: true,
      created: [c.id],
      duplicates: [a.id, b.id, c.id],
      withoutSession: [],
    });
    expect(await serverMarks(sessionId)).toHaveLength(3);
  });

  test('attaches a user-only event to the user session holding its time, else the latest one started before it', async () => {
    const [morning, noon] = [newId(), newId()];
    const userId = `cust-${newId()}`;
    // morning: 09:00–09:10; noon: 11:00–11:10; both identified as the same customer.
    for (const [sessionId, start] of [[morning, T0], [noon, T0 + 120 * MINUTE]] as const) {
      const v = visit(start);
      await ingest(server.url, makeBatch([...v.load(0, '/demo/'), identifyEvent(v.ts(1000), userId), v.mutation(10 * MINUTE)], { sessionId }));
    }
    const at = (name: string, ts: number) => ({ id: newId(), name, userId, timestamp: ts });
    const ack = await sendEvents(server, key, {
      events: [at('during-morning', T0 + 5 * MINUTE), at('between', T0 + 60 * MINUTE), at('during-noon', T0 + 125 * MINUTE), at('before-both', T0 - MINUTE)],
    });
    expect(ack.withoutSession).toHaveLength(1);
    expect((await serverMarks(morning)).map((mark) => mark.label)).toEqual(['during-morning', 'between']);
    expect((await serverMarks(noon)).map((mark) => mark.label)).toEqual(['during-noon']);
  });

  test('refuses a session of another project with 409 session_conflict and stores nothing', async () => {
    const otherKey = await makeServerKey(server, 'other-shop');
    const demoSession = newId();
    await ingest(server.url, makeBatch(visit(T0).load(0, '/demo/'), { sessionId: demoSession }));
    const fine = event();
    const body = { events: [fine, event({ sessionId: demoSession })] };
    const error = await expectApiError(await postEvents(server, otherKey, body), 409, 'session_conflict');
    expect(error.message).toMatch(/^events\[1\]\.sessionId/);
    expect((await sendEvents(server, otherKey, fine)).created).toEqual([fine.id]);
    expect(await serverMarks(demoSession)).toEqual([]);
  });

  test('keys ids per project: another project may use the same event id', async () => {
    const shared = event();
    expect((await sendEvents(server, key, shared)).created).toEqual([shared.id]);
    expect((await sendEvents(server, await makeServerKey(server, 'other-shop'), shared)).created).toEqual([shared.id]);
  });
});

describe('POST /api/events rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ eventsRatePerKey: { ratePerSecond: 0.001, burst: 2 } });
  });
  afterAll(() => server.close());

  test('answers 429 rate_limited with Retry-After past the burst of one server key', async () => {
    const key = await makeServerKey(server);
    const body = () => ({ id: newId(), name: 'purchase', userId: 'u', timestamp: T0 });
    await sendEvents(server, key, body());
    await sendEvents(server, key, body());
    const refused = await postEvents(server, key, body());
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectApiError(refused, 429, 'rate_limited');
    // Wrong keys get no bucket of their own and are refused as such, not as rate limited.
    await expectApiError(await postEvents(server, 'sl_sk_wrong', body()), 401, 'invalid_server_key');
  });
});
