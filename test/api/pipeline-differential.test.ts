/**
 * The pipeline's derived tables do not depend on how chunks arrived: the corpus streams and a generated
 * multi-session workload, ingested in seq order, in random order (late chunks make their windows fold again), with
 * re-sent batches, and all at once before derivation runs, derive to the same tables, row for row, and so does a
 * full re-derivation from the stored chunks.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { IngestAck, IngestBatch } from '../../contract/protocol.ts';
import { loadValidCorpus } from '../helpers/corpus.ts';
import { dumpDerivedTables, rowCounts, type TableDump } from '../helpers/derived-tables.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { generateWorkload, seededRandom, shuffled } from '../helpers/workload.ts';
import { postBatch } from './support.ts';

const PAGE_PATTERNS = ['/product/*'];
const CORPUS_BATCH_EVENTS = 5;

/** Every corpus stream as one session, cut into small batches. */
function corpusBatches(): IngestBatch[] {
  return loadValidCorpus().flatMap(({ name, events }, stream) => {
    const batches: IngestBatch[] = [];
    for (let start = 0; start < events.length; start += CORPUS_BATCH_EVENTS) {
      const part = events.slice(start, start + CORPUS_BATCH_EVENTS);
      const sessionId = `corpus-${stream}`;
      batches.push({ v: 1, project: 'demo', sessionId, windowId: `${sessionId}-${name.length}`, seq: batches.length, sentAt: 0, events: part });
    }
    return batches;
  });
}

const workload: IngestBatch[] = [
  ...corpusBatches(),
  ...generateWorkload({ sessions: 24, seed: 11, start: Date.UTC(2025, 2, 3, 9) }),
];

/** How a run sends the workload. */
type Arrival = (server: TestServer, batches: IngestBatch[]) => Promise<void>;

async function send(server: TestServer, batch: IngestBatch, derive: boolean): Promise<IngestAck> {
  const response = await postBatch(server.url, batch, { gzip: batch.seq % 2 === 0 });
  const body = (await response.json()) as IngestAck;
  expect(response.status, JSON.stringify(body)).toBe(200);
  if (derive) await server.waitForDerivation();
  return body;
}

/** Tabs take turns, each sending its batches in seq order; derivation keeps up after every batch. */
const inOrder: Arrival = async (server, batches) => {
  const byWindow = new Map<string, IngestBatch[]>();
  for (const batch of batches) byWindow.set(batch.windowId, [...(byWindow.get(batch.windowId) ?? []), batch]);
  const queues = [...byWindow.values()];
  while (queues.some((queue) => queue.length > 0)) {
    for (const queue of queues) if (queue.length > 0) await send(server, queue.shift()!, true);
  }
};

/** Every batch at a random moment: most windows get chunks after their successors were derived. */
const randomOrder: Arrival = async (server, batches) => {
  for (const batch of shuffled(batches, seededRandom(5))) await send(server, batch, true);
};

/** In order, but a third of the batches are sent again later (a lost acknowledgement), some of them right away. */
const withResends: Arrival = async (server, batches) => {
  const random = seededRandom(7);
  const again: IngestBatch[] = [];
  let duplicates = 0;
  for (const batch of batches) {
    await send(server, batch, true);
    if (random() < 0.15) duplicates += Number((await send(server, batch, true)).duplicate);
    else if (random() < 0.2) again.push(batch);
    if (again.length > 0 && random() < 0.3) duplicates += Number((await send(server, again.shift()!, true)).duplicate);
  }
  for (const batch of again) duplicates += Number((await send(server, batch, true)).duplicate);
  expect(duplicates).toBeGreaterThan(20);
};

/** Everything in random order before the consumer runs: windows fold many chunks, sessions many windows, at once. */
const allAtOnce: Arrival = async (server, batches) => {
  server.pipeline.consumer.pause();
  for (const batch of shuffled(batches, seededRandom(9))) await send(server, batch, false);
  server.pipeline.consumer.resume();
  await server.waitForDerivation();
};

async function run(arrival: Arrival, consumer: { batchChunks?: number } = {}): Promise<{ server: TestServer; dump: TableDump }> {
  const server = await startTestServer({}, { consumer });
  await server.store.setPagePatterns('demo', PAGE_PATTERNS);
  await arrival(server, workload);
  await server.waitForDerivation();
  return { server, dump: dumpDerivedTables(server.db) };
}

describe('pipeline | derived tables are the same however chunks arrive', () => {
  const servers: TestServer[] = [];
  let reference: TableDump;

  beforeAll(async () => {
    const first = await run(inOrder);
    servers.push(first.server);
    reference = first.dump;
  }, 120_000);
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  test('the workload derives rows in every table (so the comparisons compare something)', () => {
    const counts = rowCounts(reference);
    for (const table of ['sessions', 'page_views', 'clicks', 'signals', 'form_events', 'custom_events', 'heatmap_cells', 'page_days', 'session_move_cells', 'funnel_timelines']) {
      expect(counts[table], table).toBeGreaterThan(0);
    }
    const kinds = new Set((reference.signals as Array<{ kind: string }>).map((signal) => signal.kind));
    expect([...kinds].sort()).toEqual(['dead', 'error', 'rage']);
    expect((reference.page_views as Array<{ page_key: string }>).some((view) => view.page_key === '/product/*')).toBe(true);
    expect(reference.derive_queue).toEqual([]);
  });

  test.each([
    ['in random order', randomOrder, {}],
    ['with re-sent batches', withResends, {}],
    ['all at once, before derivation runs', allAtOnce, {}],
    // Windows folded three chunks per transaction, each continuing from where the last one stopped.
    ['all at once, derived in transactions of three chunks', allAtOnce, { batchChunks: 3 }],
  ] as const)('ingested %s', async (_name, arrival, consumer) => {
    const { server, dump } = await run(arrival, consumer);
    servers.push(server);
    for (const table of Object.keys(reference)) expect(dump[table], table).toEqual(reference[table]);
  }, 120_000);

  test.each([
    ['the same server', () => servers[0]!],
    ['a server deriving one chunk per transaction', async () => {
      const server = (await run(allAtOnce, { batchChunks: 1 })).server;
      servers.push(server);
      return server;
    }],
  ])('a full re-derivation of the project gives the same tables (on %s)', async (_name, pick) => {
    const server = await pick();
    const response = await adminFetch(`${server.url}/api/rederive?project=demo`, { method: 'POST' });
    expect(response.status).toBe(202);
    await server.waitForDerivation();
    const dump = dumpDerivedTables(server.db);
    for (const table of Object.keys(reference)) expect(dump[table], table).toEqual(reference[table]);
  }, 120_000);
});
