/**
 * The window of event times (config maxPastSkewMs, maxFutureSkewMs), with the production defaults: a recorder batch
 * or a backend's request carrying one timestamp outside it is refused whole, 400 timestamp_out_of_range naming the
 * event, and nothing of it is stored.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defaultConfig } from '../../server/config.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { makeServerKey, postEvents, sendEvents } from './server-event-support.ts';
import { expectApiError, ingest, makeBatch, newId, postBatch } from './support.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const { maxPastSkewMs, maxFutureSkewMs } = defaultConfig;

/** Timestamps a request must not carry, each as a function of the moment it is sent. */
const refused: Array<{ case: string; at: (now: number) => number }> = [
  { case: 'far past (a day beyond the past bound)', at: (now) => now - maxPastSkewMs - DAY },
  { case: 'far future (an hour ahead)', at: (now) => now + 60 * MINUTE },
  { case: 'just past the future bound', at: (now) => now + maxFutureSkewMs + MINUTE },
  { case: 'seconds sent as ms', at: (now) => Math.floor(now / 1000) },
  { case: '8.7e15 (past the range of a JavaScript Date)', at: () => 8.7e15 },
  { case: 'Number.MAX_SAFE_INTEGER', at: () => Number.MAX_SAFE_INTEGER },
  { case: '1e300', at: () => 1e300 },
  { case: 'negative', at: () => -1 },
  { case: 'the most negative safe integer', at: () => Number.MIN_SAFE_INTEGER },
  { case: 'fractional ms', at: (now) => now + 0.5 },
];

/** Timestamps a real recorder or backend produces: queued for retry, or from a clock running a little fast. */
const accepted: Array<{ case: string; at: (now: number) => number }> = [
  { case: 'now', at: (now) => now },
  { case: 'a batch queued offline for three days', at: (now) => now - 3 * DAY },
  { case: 'a minute inside the past bound', at: (now) => now - maxPastSkewMs + MINUTE },
  { case: 'a phone clock two minutes fast', at: (now) => now + 2 * MINUTE },
];

const meta = (timestamp: number): RecordedEvent => ({ type: 4, data: { href: 'https://shop.example/', width: 1280, height: 800 }, timestamp });

describe('event times outside the window', () => {
  let server: TestServer;
  let serverKey: string;
  const count = (table: string) => server.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

  beforeAll(async () => {
    server = await startTestServer({ maxPastSkewMs, maxFutureSkewMs });
    serverKey = await makeServerKey(server);
  });
  afterAll(() => server.close());

  test('the defaults: a week back, five minutes ahead', () => {
    expect({ maxPastSkewMs, maxFutureSkewMs }).toEqual({ maxPastSkewMs: 7 * DAY, maxFutureSkewMs: 5 * MINUTE });
  });

  test.each(refused)('POST /api/ingest refuses $case with 400 timestamp_out_of_range and stores nothing', async ({ at }) => {
    const before = { chunks: count('chunks'), sessions: count('sessions') };
    const now = Date.now();
    const batch = makeBatch([meta(now), meta(at(now)), meta(now + 1)]);
    const error = await expectApiError(await postBatch(server.url, batch), 400, 'timestamp_out_of_range');
    expect(error.message).toMatch(/^events\[1\]\.timestamp: /);
    expect({ chunks: count('chunks'), sessions: count('sessions') }).toEqual(before);
    await expectApiError(await adminFetch(`${server.url}/api/sessions/${batch.sessionId}`), 404, 'session_not_found');
  });

  test.each(refused)('POST /api/events refuses $case with 400 timestamp_out_of_range and stores nothing', async ({ at }) => {
    const before = count('server_events');
    const now = Date.now();
    const event = (timestamp: number) => ({ id: newId(), name: 'purchase', userId: 'u-1', timestamp, props: { value: 5 } });
    const single = await expectApiError(await postEvents(server, serverKey, event(at(now))), 400, 'timestamp_out_of_range');
    expect(single.message).toMatch(/^timestamp: /);
    const list = { events: [event(now), event(at(now)), event(now)] };
    const inList = await expectApiError(await postEvents(server, serverKey, list), 400, 'timestamp_out_of_range');
    expect(inList.message).toMatch(/^events\[1\]\.timestamp: /);
    expect(count('server_events')).toBe(before);
  });

  test('an ISO date-time outside the window is refused the same way', async () => {
    const event = { id: newId(), name: 'purchase', userId: 'u-1', timestamp: '2001-01-01T00:00:00Z' };
    await expectApiError(await postEvents(server, serverKey, event), 400, 'timestamp_out_of_range');
  });

  test.each(accepted)('accepts $case from the recorder and from a backend', async ({ at }) => {
    const now = Date.now();
    const batch = makeBatch([meta(at(now))]);
    await ingest(server.url, batch);
    const event = { id: newId(), name: 'purchase', sessionId: batch.sessionId, timestamp: at(now) };
    expect((await sendEvents(server, serverKey, event)).created).toEqual([event.id]);
  });
});
