/** POST /api/ingest names a session's browser and system, with versions, from the first header that names them. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SessionDetail } from '../../contract/api.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { ingest, makeBatch, newId } from './support.ts';
import { visit } from './shop-events.ts';

const SAMSUNG =
  'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

describe('POST /api/ingest: browser and system versions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('the first batch whose header names them names the session, versions included', async () => {
    const sessionId = newId();
    const windowId = newId();
    const v = visit(Date.UTC(2024, 6, 1), 390, 844);
    const batches = [
      { events: v.load(0, '/shop'), ua: 'curl/8.5.0' },
      { events: [v.mutation(1000)], ua: SAMSUNG },
      { events: [v.mutation(2000)], ua: FIREFOX },
    ];
    for (const [seq, { events, ua }] of batches.entries()) {
      await ingest(server.url, makeBatch(events, { sessionId, windowId, seq }), { headers: { 'User-Agent': ua } });
    }
    const { session } = (await (await adminFetch(`${server.url}/api/sessions/${sessionId}`)).json()) as SessionDetail;
    expect({ browser: session.browser, browserVersion: session.browserVersion, os: session.os, osVersion: session.osVersion }).toEqual({
      browser: 'Samsung Internet',
      browserVersion: '25.0',
      os: 'Android',
      osVersion: '14',
    });
  });
});
