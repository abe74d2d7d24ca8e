import { afterEach, describe, expect, test } from 'vitest';
import type { Config } from '../../server/config.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { sanitizeEvents } from '../../server/ingest/sanitize.ts';
import { loadValidCorpus } from '../helpers/corpus.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError, ingest, makeBatch, postBatch, readAllEvents } from './support.ts';

const events: RecordedEvent[] = [
  { type: 4, data: { href: 'https://shop.example/', width: 1280, height: 800 }, timestamp: 1_700_000_000_000 },
  { type: 3, data: { source: 2, type: 2, id: 5, x: 10, y: 20 }, timestamp: 1_700_000_000_400 },
];

/** Plenty, so a test only meets the limit it is about. */
const roomy = { ratePerSecond: 1000, burst: 1000 };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(overrides: Partial<Config>): Promise<TestServer> {
  server = await startTestServer({ ingestRatePerKey: roomy, ingestRatePerAddress: roomy, ...overrides });
  return server;
}

/** Posts one batch as if from `address` (through a trusted proxy) for ingest key `project`. */
function postFrom(url: string, address: string, project = 'demo') {
  return postBatch(url, makeBatch(events, { project }), { headers: { 'X-Forwarded-For': address } });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('POST /api/ingest rate limits', () => {
  test('per client address: 429 rate_limited with Retry-After the recorder can read cross-origin', async () => {
    const { url } = await start({ trustProxy: true, ingestRatePerAddress: { ratePerSecond: 1 / 3.95, burst: 2 } });
    expect((await postFrom(url, '203.0.113.5')).status).toBe(200);
    expect((await postFrom(url, '203.0.113.5')).status).toBe(200);
    const refused = await postFrom(url, '203.0.113.5');
    // One token takes 3.95 s, less the time the first two posts took (under 0.95 s even on a loaded machine):
    // rounded up, never down, so a client that obeys is let in.
    expect(refused.headers.get('retry-after')).toBe('4');
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('access-control-expose-headers')).toBe('Retry-After');
    await expectApiError(refused, 429, 'rate_limited');
    // Another shopper is not affected.
    expect((await postFrom(url, '203.0.113.6')).status).toBe(200);
  });

  test('per client address: passes again once the bucket has refilled', async () => {
    const { url } = await start({ trustProxy: true, ingestRatePerAddress: { ratePerSecond: 2, burst: 1 } });
    expect((await postFrom(url, '198.51.100.1')).status).toBe(200);
    const refused = await postFrom(url, '198.51.100.1');
    await expectApiError(refused, 429, 'rate_limited');
    expect(refused.headers.get('retry-after')).toBe('1');
    await sleep(Number(refused.headers.get('retry-after')) * 1000);
    expect((await postFrom(url, '198.51.100.1')).status).toBe(200);
  });

  test('X-Forwarded-For is not believed unless trustProxy is set', async () => {
    const { url } = await start({ rateLimitExemptAddresses: [], ingestRatePerAddress: { ratePerSecond: 0.01, burst: 2 } });
    expect((await postFrom(url, '192.0.2.1')).status).toBe(200);
    expect((await postFrom(url, '192.0.2.2')).status).toBe(200);
    // A new forged address each time does not buy a new bucket: all three came from 127.0.0.1.
    await expectApiError(await postFrom(url, '192.0.2.3'), 429, 'rate_limited');
  });

  test('loopback is exempt from per-address limits by default (a local proxy without trustProxy)', async () => {
    const { url } = await start({ ingestRatePerAddress: { ratePerSecond: 0.01, burst: 1 } });
    for (let i = 0; i < 3; i++) expect((await postFrom(url, '192.0.2.1')).status).toBe(200);
  });

  test('per ingest key, whichever address sends: 429 with Retry-After; other keys unaffected', async () => {
    const { url } = await start({ trustProxy: true, ingestRatePerKey: { ratePerSecond: 0.25, burst: 2 } });
    expect((await postFrom(url, '203.0.113.1')).status).toBe(200);
    expect((await postFrom(url, '203.0.113.2')).status).toBe(200);
    const refused = await postFrom(url, '203.0.113.3');
    expect(refused.headers.get('retry-after')).toBe('4');
    await expectApiError(refused, 429, 'rate_limited');
    // A different key has its own bucket, so it reaches ingest (which knows no such project).
    await expectApiError(await postFrom(url, '203.0.113.3', 'other-key'), 403, 'unknown_project');
  });

  test('per ingest key: passes again after the wait', async () => {
    const { url } = await start({ ingestRatePerKey: { ratePerSecond: 2, burst: 1 } });
    expect((await postFrom(url, '127.0.0.1')).status).toBe(200);
    const refused = await postFrom(url, '127.0.0.1');
    await expectApiError(refused, 429, 'rate_limited');
    await sleep(Number(refused.headers.get('retry-after')) * 1000);
    expect((await postFrom(url, '127.0.0.1')).status).toBe(200);
  });

  test('reading the key leaves the body intact for ingest: a large batch, a gzip one and a streamed one', async () => {
    const { url } = await start({});
    // Many socket reads' worth, so the body reaches the limiter in several parts.
    const moves: RecordedEvent[] = Array.from({ length: 5000 }, (_, index) => ({
      type: 3,
      data: { source: 1, positions: [{ x: index % 1280, y: index % 800, id: 5, timeOffset: 0 }] },
      timestamp: 1_700_000_000_000 + index,
    }));
    const large = makeBatch(moves);
    expect(JSON.stringify(large).length).toBeGreaterThan(300_000);
    await ingest(url, large);
    expect((await readAllEvents(url, large.sessionId)).events).toStrictEqual(moves);
    const corpusStream = loadValidCorpus()[0]!;
    const gzipped = makeBatch(corpusStream.events);
    await ingest(url, gzipped, { gzip: true });
    expect((await readAllEvents(url, gzipped.sessionId)).events).toStrictEqual(sanitizeEvents(corpusStream.events).events);

    const streamed = makeBatch(events);
    const json = new TextEncoder().encode(JSON.stringify(streamed));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let start = 0; start < json.length; start += 50) controller.enqueue(json.subarray(start, start + 50));
        controller.close();
      },
    });
    const response = await fetch(`${url}/api/ingest`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(200);
    expect((await readAllEvents(url, streamed.sessionId)).events).toStrictEqual(events);
  });
});

describe('token guessing limits', () => {
  const login = (url: string, token: string, address?: string) =>
    fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(address ? { 'X-Forwarded-For': address } : {}) },
      body: JSON.stringify({ token }),
    });
  const me = (url: string, token: string, address?: string) =>
    fetch(`${url}/api/me`, { headers: { Authorization: `Bearer ${token}`, ...(address ? { 'X-Forwarded-For': address } : {}) } });

  test('failed attempts per address are limited; successful sign-ins do not count', async () => {
    const { url, config } = await start({ trustProxy: true, loginRatePerAddress: { ratePerSecond: 5 / 60, burst: 2 } });
    const token = config.adminToken!;
    for (let i = 0; i < 3; i++) expect((await login(url, token, '203.0.113.9')).status).toBe(200);
    for (let i = 0; i < 2; i++) await expectApiError(await login(url, 'guess', '203.0.113.9'), 401, 'invalid_token');
    // Now even the right token waits: the guesser cannot tell a hit from a refusal.
    const refused = await login(url, token, '203.0.113.9');
    expect(refused.headers.get('retry-after')).toBe('12');
    await expectApiError(refused, 429, 'rate_limited');
    expect((await login(url, token, '203.0.113.10')).status).toBe(200);
  });

  test('loopback is limited too: behind a local proxy without SIGHTLINE_TRUST_PROXY, guesses do not go unlimited', async () => {
    // The defaults, loopback in rateLimitExemptAddresses included: that list is for ingest only.
    const { url, config } = await start({ loginRatePerAddress: { ratePerSecond: 5 / 60, burst: 3 } });
    expect(config.rateLimitExemptAddresses).toContain('127.0.0.1');
    for (let i = 0; i < 3; i++) await expectApiError(await login(url, `guess-${i}`), 401, 'invalid_token');
    for (const token of ['guess-3', config.adminToken!]) {
      const refused = await login(url, token);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(12);
      await expectApiError(refused, 429, 'rate_limited');
    }
    // A forged X-Forwarded-For buys no fresh bucket when no proxy is trusted.
    await expectApiError(await login(url, config.adminToken!, '198.51.100.77'), 429, 'rate_limited');
  });

  test('a Bearer token on any route is a guess like a sign-in, counted in the same budget', async () => {
    const { url, config } = await start({ trustProxy: true, loginRatePerAddress: { ratePerSecond: 5 / 60, burst: 3 } });
    const token = config.adminToken!;
    expect((await me(url, token, '203.0.113.20')).status).toBe(200);
    await expectApiError(await me(url, 'guess-1', '203.0.113.20'), 401, 'login_required');
    await expectApiError(await fetch(`${url}/api/nothing`, { headers: { Authorization: 'Bearer guess-2', 'X-Forwarded-For': '203.0.113.20' } }), 401, 'login_required');
    await expectApiError(await login(url, 'guess-3', '203.0.113.20'), 401, 'invalid_token');
    await expectApiError(await me(url, token, '203.0.113.20'), 429, 'rate_limited');
    await expectApiError(await login(url, token, '203.0.113.20'), 429, 'rate_limited');
    expect((await me(url, token, '203.0.113.21')).status).toBe(200);
  });

  test('IPv6 addresses count per /64 and an IPv4-mapped address as its IPv4 address', async () => {
    const { url } = await start({ trustProxy: true, loginRatePerAddress: { ratePerSecond: 5 / 60, burst: 2 } });
    await expectApiError(await login(url, 'guess', '2001:db8:1:2::1'), 401, 'invalid_token');
    await expectApiError(await login(url, 'guess', '2001:DB8:1:2:ffff:ffff:ffff:9'), 401, 'invalid_token');
    await expectApiError(await login(url, 'guess', '2001:db8:1:2:0:0:0:77'), 429, 'rate_limited');
    await expectApiError(await login(url, 'guess', '2001:db8:1:3::1'), 401, 'invalid_token');
    await expectApiError(await login(url, 'guess', '203.0.113.30'), 401, 'invalid_token');
    await expectApiError(await login(url, 'guess', '::ffff:203.0.113.30'), 401, 'invalid_token');
    await expectApiError(await login(url, 'guess', '203.0.113.30'), 429, 'rate_limited');
  });

  test('the global failure budget: spent by guesses from many addresses, it stops new addresses, not known ones', async () => {
    const { url, config } = await start({
      trustProxy: true,
      loginRatePerAddress: { ratePerSecond: 5 / 60, burst: 5 },
      // One failure back every 5 s: slow enough that the refusals below come before any refill even on a busy
      // machine; the refill itself is test/unit/server/http/login-limit.test.ts's, on a fake clock.
      loginFailureBudget: { ratePerSecond: 1 / 5, burst: 3 },
    });
    const token = config.adminToken!;
    // The admin signed in from here before the attack.
    expect((await login(url, token, '192.0.2.1')).status).toBe(200);
    for (let i = 0; i < 3; i++) await expectApiError(await login(url, 'guess', `198.51.100.${i}`), 401, 'invalid_token');

    // Spent: a fresh address is refused before its token is looked at, the right one included.
    for (const attempt of [() => login(url, 'guess', '198.51.100.50'), () => login(url, token, '198.51.100.51'), () => me(url, token, '198.51.100.52')]) {
      const refused = await attempt();
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(5);
      await expectApiError(refused, 429, 'login_budget_exhausted');
    }
    // The known address is still let in, and its guesses are still answered (and limited) per address only.
    expect((await login(url, token, '192.0.2.1')).status).toBe(200);
    await expectApiError(await login(url, 'typo', '192.0.2.1'), 401, 'invalid_token');
    expect((await me(url, token, '192.0.2.1')).status).toBe(200);
  });
});
