import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { IngestBatch } from '../../../contract/protocol.ts';
import { encodeBatch } from '../../../recorder/body.ts';
import type { SightlineError } from '../../../recorder/errors.ts';
import { realTimers } from '../../../recorder/timers.ts';
import { backoffDelay, createTransport, parseRetryAfter, type OutgoingBatch, type TransportConfig } from '../../../recorder/transport.ts';

const ENDPOINT = 'https://sightline.example/api/ingest';

function outgoing(seq: number, padding = 0): OutgoingBatch {
  const header = { v: 1 as const, project: 'demo', sessionId: 's1', windowId: 'w1', seq, sentAt: 1_700_000_000_000 + seq };
  const events = [JSON.stringify({ type: 5, data: { tag: 'sl:track', payload: { name: `e${seq}`, props: { pad: 'x'.repeat(padding) } } }, timestamp: seq })];
  return { sessionId: 's1', windowId: 'w1', seq, json: encodeBatch(header, events) };
}

type Reply = number | 'network' | 'hang' | { status: number; headers: Record<string, string> };

interface Attempt {
  at: number;
  seq: number;
  text: string;
  body: Uint8Array;
  init: RequestInit;
}

/** A fake ingest endpoint: answers each POST with what `reply` says and remembers every attempt. */
function fakeServer(reply: (batch: IngestBatch, attempt: number) => Reply = () => 200) {
  const attempts: Attempt[] = [];
  const delivered: number[] = [];
  const server = {
    attempts,
    delivered,
    reply,
    fetch: async (url: string, init: RequestInit): Promise<Response> => {
      expect(url).toBe(ENDPOINT);
      const body = init.body as Uint8Array;
      const text = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body).toString('utf8') : new TextDecoder().decode(body);
      const batch = JSON.parse(text) as IngestBatch;
      attempts.push({ at: Date.now(), seq: batch.seq, text, body, init });
      const answer = server.reply(batch, attempts.length);
      if (answer === 'network') throw new TypeError('Failed to fetch');
      if (answer === 'hang') return new Promise<Response>(() => {});
      const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
      if (status === 200) delivered.push(batch.seq);
      return new Response(JSON.stringify({ ok: status === 200, seq: batch.seq }), { status, headers });
    },
  };
  return server;
}

function setup(server: ReturnType<typeof fakeServer>, options: { random?: number; config?: Partial<TransportConfig> } = {}) {
  const errors: SightlineError[] = [];
  const transport = createTransport(
    { endpoint: ENDPOINT, gzip: false, maxQueueBytes: 4 * 1024 * 1024, ...options.config },
    { fetch: server.fetch, timers: realTimers, random: () => options.random ?? 1, report: (error) => errors.push(error as SightlineError) },
  );
  return { transport, errors };
}

describe('recorder | transport retry and backoff', () => {
  beforeEach(() => void vi.useFakeTimers({ now: 0 }));
  afterEach(() => void vi.useRealTimers());

  test('server down then up: nothing lost, nothing duplicated, seq and order kept', async () => {
    let up = false;
    const server = fakeServer(() => (up ? 200 : 'network'));
    const { transport, errors } = setup(server, { random: 1 });
    for (let seq = 0; seq < 5; seq++) transport.enqueue(outgoing(seq));

    await vi.advanceTimersByTimeAsync(95_000);
    // Head of line only, with the backoff doubling from 1 s to the 30 s cap (random = 1: the top of each range).
    expect(server.attempts.map((a) => a.at)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000, 61_000, 91_000]);
    expect(new Set(server.attempts.map((a) => a.seq))).toEqual(new Set([0]));
    expect(new Set(server.attempts.map((a) => a.text)).size).toBe(1); // the same body every time
    expect(transport.pending).toBe(5);

    up = true;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(server.delivered).toEqual([0, 1, 2, 3, 4]);
    expect(server.attempts.filter((a) => a.at > 95_000).map((a) => a.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(transport.pending).toBe(0);
    expect(errors.map((e) => e.code)).toEqual(['send_failed']); // once per outage, not per attempt
  });

  test('full jitter: each wait is a uniform share of the doubling ceiling', async () => {
    const server = fakeServer((_batch, attempt) => (attempt < 4 ? 503 : 200));
    const { transport } = setup(server, { random: 0.5 });
    transport.enqueue(outgoing(0));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.attempts.map((a) => a.at)).toEqual([0, 500, 1_500, 3_500]);
    expect(server.delivered).toEqual([0]);
  });

  test.each([
    [1, 1, 1_000],
    [2, 1, 2_000],
    [3, 0.5, 2_000],
    [6, 1, 30_000],
    [40, 1, 30_000],
    [5, 0, 0],
  ])('backoffDelay(failures %i, random %s) = %i ms', (failures, random, delay) => {
    expect(backoffDelay(failures, () => random)).toBe(delay);
  });

  test.each([500, 502, 503, 408, 429])('HTTP %i is retried and then delivered once', async (status) => {
    const server = fakeServer((_batch, attempt) => (attempt === 1 ? status : 200));
    const { transport } = setup(server);
    transport.enqueue(outgoing(0));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(server.attempts.map((a) => a.seq)).toEqual([0, 0]);
    expect(server.delivered).toEqual([0]);
  });

  test.each([400, 401, 403, 404, 413, 422])('HTTP %i drops that batch, reports it, and the next one goes on', async (status) => {
    const server = fakeServer((batch) => (batch.seq === 0 ? status : 200));
    const { transport, errors } = setup(server);
    transport.enqueue(outgoing(0));
    transport.enqueue(outgoing(1));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.attempts.map((a) => a.seq)).toEqual([0, 1]);
    expect(server.delivered).toEqual([1]);
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe('batch_rejected');
    expect(errors[0].message).toContain(`HTTP ${status}`);
  });

  test.each([429, 503])('%i honours Retry-After even when the jitter would retry at once', async (status) => {
    const server = fakeServer((_batch, attempt) => (attempt === 1 ? { status, headers: { 'Retry-After': '7' } } : 200));
    const { transport } = setup(server, { random: 0 });
    transport.enqueue(outgoing(0));
    await vi.advanceTimersByTimeAsync(6_999);
    expect(server.attempts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.attempts.map((a) => a.at)).toEqual([0, 7_000]);
  });

  test.each([
    ['7', 7_000],
    ['0', 0],
    [new Date(3_000).toUTCString(), 3_000],
    ['100000', 300_000],
    ['soon', undefined],
    [null, undefined],
  ])('parseRetryAfter(%s) = %s', (header, expected) => {
    expect(parseRetryAfter(header, 0)).toBe(expected);
  });

  test('the retry queue is bounded: the oldest unsent batches are dropped and reported', async () => {
    let up = false;
    const server = fakeServer(() => (up ? 200 : 'network'));
    const size = outgoing(0, 1_000).json.length;
    const { transport, errors } = setup(server, { config: { maxQueueBytes: size * 3 } });
    for (let seq = 0; seq < 6; seq++) transport.enqueue(outgoing(seq, 1_000));
    // Batch 0 was already on its way when the others arrived, so 1, 2 and 3 made room.
    expect(errors.map((e) => [e.code, e.message.match(/batch (\d+)/)?.[1]])).toEqual([
      ['queue_overflow', '1'],
      ['queue_overflow', '2'],
      ['queue_overflow', '3'],
    ]);
    up = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.delivered).toEqual([0, 4, 5]);
  });

  test('flush() skips a pending backoff and resolves once delivered', async () => {
    let up = false;
    const server = fakeServer(() => (up ? 200 : 503));
    const { transport } = setup(server, { random: 1 });
    transport.enqueue(outgoing(0));
    transport.enqueue(outgoing(1));
    await vi.advanceTimersByTimeAsync(20_000); // now waiting out a 16 s backoff
    const attemptsBefore = server.attempts.length;
    up = true;
    let flushed = false;
    void transport.flush().then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(server.attempts.length).toBe(attemptsBefore + 2);
    expect(flushed).toBe(true);
    expect(transport.pending).toBe(0);
  });

  test('flush() resolves when a send fails, leaving the batch queued for retry', async () => {
    const server = fakeServer(() => 'network');
    const { transport } = setup(server);
    transport.enqueue(outgoing(0));
    await vi.advanceTimersByTimeAsync(0);
    let flushed = false;
    void transport.flush().then(() => (flushed = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(flushed).toBe(true);
    expect(transport.pending).toBe(1);
  });
});

describe('recorder | transport on page exit', () => {
  test('sends at once, with keepalive, what fits in 60 KB; the rest stays queued', async () => {
    const server = fakeServer((batch) => (batch.seq === 0 ? 'hang' : 200));
    const { transport } = setup(server);
    transport.enqueue(outgoing(0)); // goes first and hangs: the pump is busy
    await Promise.resolve();
    await Promise.resolve();
    transport.enqueue(outgoing(1));
    transport.enqueue(outgoing(2, 70_000)); // too big for the keepalive budget
    transport.enqueue(outgoing(3));
    transport.sendOnExit();
    expect(server.attempts.map((a) => [a.seq, a.init.keepalive])).toEqual([[0, true], [1, true], [3, true]]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(server.delivered).toEqual([1, 3]);
    expect(transport.pending).toBe(2); // 0 still in flight, 2 waiting in case the page survives
  });

  test('a batch whose gzip is still running goes as plain JSON, and only once', async () => {
    const server = fakeServer();
    const { transport } = setup(server, { config: { gzip: true } });
    transport.enqueue(outgoing(0));
    transport.sendOnExit();
    expect(server.attempts).toHaveLength(1); // synchronously: the page may be gone a moment later
    expect(server.attempts[0].body[0]).toBe('{'.charCodeAt(0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.attempts).toHaveLength(1);
    expect(server.delivered).toEqual([0]);
  });
});

describe('recorder | transport while the page is being left', () => {
  beforeEach(() => void vi.useFakeTimers({ now: 0 }));
  afterEach(() => void vi.useRealTimers());

  test('a keepalive send that fails as the page goes is not sent again on pagehide or flush', async () => {
    const server = fakeServer(() => 'network'); // what Chromium does to the leaving page's keepalive fetches
    const { transport, errors } = setup(server);
    transport.leaving();
    transport.enqueue(outgoing(0));
    await vi.advanceTimersByTimeAsync(0);
    transport.sendOnExit();
    void transport.flush();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(server.attempts.map((a) => a.seq)).toEqual([0]);
    expect(transport.pending).toBe(1); // kept, in case the page stays
    expect(errors).toEqual([]);
  });

  test.each([
    ['stayed() (back from the cache, a navigation that settled in place)', (t: { stayed(): void }) => t.stayed()],
    ['the grace period running out (a download, a 204)', () => {}],
  ])('held batches are retried once the page stays: %s', async (_name, stay) => {
    let up = false;
    const server = fakeServer(() => (up ? 200 : 'network'));
    const { transport } = setup(server);
    transport.leaving();
    transport.enqueue(outgoing(0));
    transport.enqueue(outgoing(1));
    await vi.advanceTimersByTimeAsync(0);
    expect(server.attempts.map((a) => a.seq)).toEqual([0]);
    up = true;
    stay(transport);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.delivered).toEqual([0, 1]);
    expect(transport.pending).toBe(0);
  });

  test('while leaving, a failed send without keepalive (too big for its budget) is not held: it is retried as usual', async () => {
    const server = fakeServer((_batch, attempt) => (attempt === 1 ? 'network' : 200));
    const { transport } = setup(server);
    transport.leaving();
    transport.enqueue(outgoing(0, 61_000));
    await vi.advanceTimersByTimeAsync(0);
    expect(server.attempts[0].init.keepalive).toBe(false);
    transport.sendOnExit(); // over the keepalive budget: skipped, so it waits for the retry
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.delivered).toEqual([0]);
  });

  test('an HTTP error while leaving is retried as usual', async () => {
    const server = fakeServer((_batch, attempt) => (attempt === 1 ? 503 : 200));
    const { transport } = setup(server, { random: 0 });
    transport.leaving();
    transport.enqueue(outgoing(0));
    await vi.advanceTimersByTimeAsync(0);
    transport.sendOnExit();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.attempts.map((a) => a.seq)).toEqual([0, 0]);
    expect(server.delivered).toEqual([0]);
  });

  test('without leaving(), a keepalive send that fails is sent again on pagehide', async () => {
    const server = fakeServer((_batch, attempt) => (attempt === 1 ? 'network' : 200));
    const { transport } = setup(server);
    transport.enqueue(outgoing(0));
    await vi.advanceTimersByTimeAsync(0);
    transport.sendOnExit();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.attempts.map((a) => [a.seq, a.init.keepalive])).toEqual([[0, true], [0, true]]);
    expect(server.delivered).toEqual([0]);
  });
});

describe('recorder | transport acknowledgements', () => {
  test('only an answer of the server counts: 2xx batches are acknowledged, failures and beacons are not', async () => {
    const acknowledged: number[] = [];
    const server = fakeServer((batch) => (batch.seq === 1 ? 400 : 200));
    const transport = createTransport(
      { endpoint: ENDPOINT, gzip: false, maxQueueBytes: 4 * 1024 * 1024 },
      { fetch: server.fetch, timers: realTimers, random: () => 1, report: () => {}, acknowledged: (batch) => void acknowledged.push(batch.seq) },
    );
    for (const seq of [0, 1, 2]) transport.enqueue(outgoing(seq));
    await transport.flush();
    expect(acknowledged).toEqual([0, 2]);

    const beacons = createTransport(
      { endpoint: ENDPOINT, gzip: false, maxQueueBytes: 4 * 1024 * 1024 },
      {
        fetch: undefined as never, // no fetch: pagehide falls back to sendBeacon
        sendBeacon: () => true,
        timers: realTimers,
        random: () => 1,
        report: () => {},
        acknowledged: (batch) => void acknowledged.push(batch.seq),
      },
    );
    beacons.enqueue(outgoing(3));
    beacons.sendOnExit();
    expect(beacons.pending).toBe(0);
    expect(acknowledged).toEqual([0, 2]);
  });
});

describe('recorder | transport body', () => {
  test('gzipped with CompressionStream; the server gets back the exact batch', async () => {
    const server = fakeServer();
    const { transport } = setup(server, { config: { gzip: true } });
    const batch = outgoing(7, 5_000);
    transport.enqueue(batch);
    await transport.flush();
    const [attempt] = server.attempts;
    expect([attempt.body[0], attempt.body[1]]).toEqual([0x1f, 0x8b]);
    expect(attempt.body.byteLength).toBeLessThan(batch.json.length / 10);
    expect(JSON.parse(gunzipSync(attempt.body).toString('utf8'))).toEqual(JSON.parse(batch.json));
    expect(attempt.init).toMatchObject({ method: 'POST', credentials: 'omit', keepalive: true, headers: { 'Content-Type': 'text/plain' } });
  });

  test('a body of 60 KB or more is sent without keepalive', async () => {
    const server = fakeServer();
    const { transport } = setup(server);
    transport.enqueue(outgoing(0, 61_000));
    await transport.flush();
    expect(server.attempts[0].init.keepalive).toBe(false);
  });

  test('encodeBatch writes the IngestBatch JSON around pre-serialized events', () => {
    const events = [{ type: 4, data: { href: 'https://shop.example/' }, timestamp: 1 }, { type: 2, data: {}, timestamp: 2 }];
    const header = { v: 1 as const, project: 'p', sessionId: 's', windowId: 'w', seq: 3, sentAt: 9 };
    const json = encodeBatch(header, events.map((e) => JSON.stringify(e)));
    expect(JSON.parse(json)).toEqual({ ...header, events });
  });
});
