import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventPage } from '../../contract/api.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { loadCorpusStream } from '../helpers/corpus.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError, ingest, makeBatch, newId, readAllEvents } from './support.ts';

/** Chunk sizes chosen so page boundaries fall both on and between limits. */
const CHUNK_SIZES = [1, 7, 3, 3, 5, 2, 8, 1, 4, 6];

/** Numbered events whose timestamps run backwards now and then, as real recordings' sometimes do. */
function numberedEvents(count: number, windowTag: string): RecordedEvent[] {
  return Array.from({ length: count }, (_, index) => ({
    type: 3,
    data: { source: 0, texts: [{ id: index, value: `${windowTag}-${index}` }], adds: [], removes: [], attributes: [] },
    timestamp: 1_700_000_000_000 + (index % 4 === 3 ? index - 10 : index) * 100,
  }));
}

function chunked(events: RecordedEvent[]): RecordedEvent[][] {
  const chunks: RecordedEvent[][] = [];
  let start = 0;
  for (const size of CHUNK_SIZES) {
    chunks.push(events.slice(start, start + size));
    start += size;
  }
  return chunks;
}

describe('GET /api/sessions/:id/events', () => {
  let server: TestServer;
  const sessionId = newId();
  const firstWindow = newId();
  const secondWindow = newId();
  const total = CHUNK_SIZES.reduce((sum, size) => sum + size, 0);
  const firstEvents = numberedEvents(total, 'first');
  const secondEvents = numberedEvents(12, 'second');

  beforeAll(async () => {
    server = await startTestServer({ eventsPageSize: 10 });
    const firstChunks = chunked(firstEvents);
    // Arrival order is scrambled on purpose (a retried batch lands late); reading must follow seq.
    const arrival = [2, 0, 1, 9, 3, 4, 8, 5, 6, 7];
    for (const [position, seq] of arrival.entries()) {
      await ingest(server.url, makeBatch(firstChunks[seq]!, { sessionId, windowId: firstWindow, seq }));
      // The second tab's batches interleave with the first's; it is first seen after the first tab.
      if (position < 3) {
        await ingest(server.url, makeBatch(secondEvents.slice(position * 4, position * 4 + 4), {
          sessionId,
          windowId: secondWindow,
          seq: position,
        }));
      }
    }
  });
  afterAll(() => server.close());

  test.each([1, 4, 10, 13, 1000])('pages with limit=%i return every event exactly once, in order', async (limit) => {
    const { events, pages } = await readAllEvents(server.url, sessionId, { window: firstWindow, limit });
    expect(events).toStrictEqual(firstEvents);
    // Whole chunks per page, each page reaching the limit except the last.
    const boundaries = new Set(CHUNK_SIZES.map((_, index) => CHUNK_SIZES.slice(0, index + 1).reduce((a, b) => a + b, 0)));
    let read = 0;
    for (const [index, page] of pages.entries()) {
      read += page.events.length;
      expect(boundaries.has(read)).toBe(true);
      if (index < pages.length - 1) expect(page.events.length).toBeGreaterThanOrEqual(limit);
    }
  });

  test('answers the cursor as the next chunk seq and null at the end', async () => {
    const first = (await (await adminFetch(`${server.url}/api/sessions/${sessionId}/events?limit=8`)).json()) as EventPage;
    expect(first.events).toStrictEqual(firstEvents.slice(0, 8));
    expect(first.nextCursor).toBe('2');
    const last = (await (await adminFetch(`${server.url}/api/sessions/${sessionId}/events?cursor=9`)).json()) as EventPage;
    expect(last.events).toStrictEqual(firstEvents.slice(-6));
    expect(last.nextCursor).toBeNull();
  });

  test('uses the configured page size when no limit is given', async () => {
    const page = (await (await adminFetch(`${server.url}/api/sessions/${sessionId}/events`)).json()) as EventPage;
    // Chunks of 1 + 7 + 3 reach the page size of 10.
    expect(page.events).toHaveLength(11);
    expect(page.nextCursor).toBe('3');
  });

  test('serves the first window seen by default and another window on request', async () => {
    expect((await readAllEvents(server.url, sessionId)).events).toStrictEqual(firstEvents);
    expect((await readAllEvents(server.url, sessionId, { window: secondWindow, limit: 3 })).events).toStrictEqual(
      secondEvents,
    );
  });

  test('keeps a corpus stream with non-monotonic timestamps in recorded order', async () => {
    const events = loadCorpusStream('rrweb-fixtures/touch-all-pointer-id.json');
    expect(events.some((event, index) => index > 0 && event.timestamp < events[index - 1]!.timestamp)).toBe(true);
    const batch = makeBatch(events);
    await ingest(server.url, batch);
    expect((await readAllEvents(server.url, batch.sessionId)).events).toStrictEqual(events);
  });

  test('answers an unknown window with 404 window_not_found', async () => {
    const response = await adminFetch(`${server.url}/api/sessions/${sessionId}/events?window=${newId()}`);
    await expectApiError(response, 404, 'window_not_found');
  });

  test('answers an unknown session with 404 session_not_found', async () => {
    await expectApiError(await adminFetch(`${server.url}/api/sessions/${newId()}/events`), 404, 'session_not_found');
  });

  test.each(['cursor=abc', 'cursor=-1', 'limit=0', 'limit=50001', 'window=', 'page=2'])(
    'rejects ?%s with 400 invalid_query',
    async (query) => {
      await expectApiError(await adminFetch(`${server.url}/api/sessions/${sessionId}/events?${query}`), 400, 'invalid_query');
    },
  );
});
