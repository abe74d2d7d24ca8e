/**
 * POST /api/rederive: a project's history derived again from its stored chunks, with the page patterns as they are
 * now, so old page views and heatmaps move to the new page keys; progress through GET /api/status; one at a time.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { HeatmapPagesResponse, HeatmapResponse } from '../../contract/insights.ts';
import type { RederiveResponse, StatusResponse } from '../../contract/api.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError, ingest, makeBatch, newId } from './support.ts';
import { visit } from './shop-events.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

const DAY = Date.UTC(2025, 4, 6);
const range = `from=${DAY - 86_400_000}&to=${DAY + 2 * 86_400_000}`;

async function json<T>(server: TestServer, path: string, init?: RequestInit): Promise<T> {
  const response = await adminFetch(`${server.url}${path}`, init);
  expect(response.status, path).toBeLessThan(300);
  return (await response.json()) as T;
}

const rederive = (server: TestServer) => adminFetch(`${server.url}/api/rederive?project=demo`, { method: 'POST' });
const pages = async (server: TestServer) =>
  (await json<HeatmapPagesResponse>(server, `/api/heatmaps/pages?${range}`)).pages.map((page) => [page.page, page.views, page.clicks]);

/** Three product pages (named, so each is its own page without a pattern), two clicks on each, one window. */
async function recordProducts(server: TestServer): Promise<void> {
  const ids = { sessionId: newId(), windowId: newId() };
  for (const [seq, product] of ['mug', 'cup', 'pot'].entries()) {
    const v = visit(DAY + 10 * 3_600_000 + seq * 60_000);
    const events = [...v.load(0, `/item/${product}/detail`), v.click(1000, '#buy'), v.click(9000, '#buy')];
    await ingest(server.url, makeBatch(events, { ...ids, seq }));
  }
}

describe('POST /api/rederive', () => {
  test('after a page-pattern change, re-keys old page views and heatmap buckets to the new pattern', async () => {
    const server = await startTestServer();
    servers.push(server);
    await recordProducts(server);
    const before = await pages(server);
    expect(before.map(([page]) => page).sort()).toEqual(['/item/cup/detail', '/item/mug/detail', '/item/pot/detail']);

    const saved = await adminFetch(`${server.url}/api/settings/page-patterns?project=demo`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ patterns: ['/item/*/detail'] }),
    });
    expect(saved.status).toBe(200);
    // Changing the patterns keys new data only: history stays until it is derived again.
    expect(await pages(server)).toEqual(before);

    const started = await rederive(server);
    expect(started.status).toBe(202);
    const body = (await started.json()) as RederiveResponse;
    expect(body.rederive).toMatchObject({ state: 'running', doneChunks: 0, totalChunks: 3 });
    await server.waitForDerivation();

    expect(await pages(server)).toEqual([['/item/*/detail', 3, 6]]);
    const heatmap = await json<HeatmapResponse>(server, `/api/heatmaps?page=${encodeURIComponent('/item/*/detail')}&${range}`);
    expect(heatmap.total).toBe(6);
    const keys = server.db.prepare('SELECT DISTINCT page_key FROM page_views UNION SELECT DISTINCT page_key FROM clicks').pluck().all();
    expect(keys).toEqual(['/item/*/detail']);
    expect(server.db.prepare("SELECT count(*) FROM heatmap_cells WHERE page_key <> '/item/*/detail'").pluck().get()).toBe(0);
    expect((await json<StatusResponse>(server, '/api/status?project=demo')).rederive).toEqual({ state: 'idle' });
  });

  test('reports progress while it runs and refuses a second one with 409 rederive_running', async () => {
    const server = await startTestServer();
    servers.push(server);
    await recordProducts(server);
    server.pipeline.consumer.pause();
    expect((await rederive(server)).status).toBe(202);
    const running = await json<StatusResponse>(server, '/api/status?project=demo');
    expect(running.rederive).toMatchObject({ state: 'running', doneChunks: 0, totalChunks: 3 });
    expect(running.rederive.state === 'running' && running.rederive.startedAt).toBeGreaterThan(Date.now() - 60_000);
    // A re-derivation's chunks are not the backlog of new data: they neither count there nor fill it.
    expect(running.derivation.pendingChunks).toBe(0);
    await expectApiError(await rederive(server), 409, 'rederive_running');

    // One transaction derives the window's three chunks: progress jumps from 0 to done.
    server.pipeline.consumer.resume();
    await server.waitForDerivation();
    expect((await json<StatusResponse>(server, '/api/status?project=demo')).rederive).toEqual({ state: 'idle' });
    expect((await rederive(server)).status).toBe(202);
  });

  test("counts chunks as they are derived, a window's chunks spread over transactions when they are small", async () => {
    const server = await startTestServer({}, { consumer: { batchChunks: 1 } });
    servers.push(server);
    for (let session = 0; session < 3; session++) await recordProducts(server);
    server.pipeline.consumer.pause();
    expect((await rederive(server)).status).toBe(202);
    // One chunk per transaction: each window is folded over three of them, continuing from its carry.
    const seen: unknown[] = [];
    server.pipeline.consumer.onBatch(() => {
      const { rederive } = server.pipeline.status(1);
      seen.push(rederive.state === 'running' ? `${rederive.doneChunks}/${rederive.totalChunks}` : rederive.state);
    });
    server.pipeline.consumer.resume();
    await server.waitForDerivation();
    expect(seen).toEqual(['1/9', '2/9', '3/9', '4/9', '5/9', '6/9', '7/9', '8/9', 'idle']);
  });
});
