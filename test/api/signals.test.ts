import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HeatmapResponse } from '../../contract/insights.ts';
import type { SessionDetail, SessionSignal } from '../../contract/api.ts';
import { findSignals } from '../../server/ingest/derive-signals.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { ingest, makeBatch, newId } from './support.ts';
import { visit } from './shop-events.ts';

const DAY = 86_400_000;

async function signalsOf(server: TestServer, sessionId: string): Promise<SessionSignal[]> {
  const response = await adminFetch(`${server.url}/api/sessions/${sessionId}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as SessionDetail).signals;
}

/** Posts each list of events as the next batch (seq 0, 1, …) of one session window. */
async function ingestBatches(server: TestServer, batches: RecordedEvent[][], ids = { sessionId: newId(), windowId: newId() }) {
  for (const [seq, events] of batches.entries()) await ingest(server.url, makeBatch(events, { ...ids, seq }));
  return ids;
}

const brief = ({ kind, ts, selector, count }: SessionSignal) => ({ kind, ts, selector, count });

/** The rage clicks only: a hammered button that never answers also leaves dead clicks, tested on their own. */
async function rageOf(server: TestServer, sessionId: string) {
  return (await signalsOf(server, sessionId)).filter((signal) => signal.kind === 'rage').map(brief);
}

describe('ingest | signals recomputed as batches arrive', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('finds a rage click split across two batches once, and keeps it once when a batch is re-sent', async () => {
    const v = visit(Date.UTC(2024, 4, 1, 10));
    const first = [...v.load(0, '/promo'), v.click(1000, '#promo'), v.click(1300, '#promo')];
    const second = [v.click(1600, '#promo'), v.click(1900, '#promo'), v.mutation(6000)];
    const ids = await ingestBatches(server, [first]);
    expect(await rageOf(server, ids.sessionId)).toEqual([]);

    await ingest(server.url, makeBatch(second, { ...ids, seq: 1 }));
    const expected = [{ kind: 'rage', ts: v.ts(1000), selector: '#promo', count: 4 }];
    expect(await rageOf(server, ids.sessionId)).toEqual(expected);

    const ack = await ingest(server.url, makeBatch(second, { ...ids, seq: 1 }));
    expect(ack.duplicate).toBe(true);
    expect(await rageOf(server, ids.sessionId)).toEqual(expected);
    const heatmap = (await (await adminFetch(`${server.url}/api/heatmaps?page=/promo&kind=rage`)).json()) as HeatmapResponse;
    expect(heatmap.total).toBe(1);
  });

  test('grows a rage burst that continues into the next batch instead of adding a second one', async () => {
    const v = visit(Date.UTC(2024, 4, 1, 11));
    const first = [...v.load(0, '/grow'), v.click(1000, '#promo'), v.click(1200, '#promo'), v.click(1400, '#promo')];
    const ids = await ingestBatches(server, [first]);
    expect(await rageOf(server, ids.sessionId)).toEqual([
      { kind: 'rage', ts: v.ts(1000), selector: '#promo', count: 3 },
    ]);
    await ingest(server.url, makeBatch([v.click(1600, '#promo'), v.click(1800, '#promo'), v.mutation(9000)], { ...ids, seq: 1 }));
    expect(await rageOf(server, ids.sessionId)).toEqual([
      { kind: 'rage', ts: v.ts(1000), selector: '#promo', count: 5 },
    ]);
    // The rage heatmap moved its one point, it did not gain a second.
    const heatmap = (await (await adminFetch(`${server.url}/api/heatmaps?page=/grow&kind=rage`)).json()) as HeatmapResponse;
    expect(heatmap.elements.map((e) => [e.selector, e.count])).toEqual([['#promo', 1]]);
  });

  test('a rage burst on a button that does nothing is one finding: in the signals, the dead heatmap and the filters', async () => {
    const v = visit(Date.UTC(2024, 4, 1, 11, 30));
    const apply = { label: '"Apply" button' };
    // The presses' dead-click windows close only in the second batch, which folds them into the burst found earlier.
    const first = [...v.load(0, '/burst'), ...[1000, 1150, 1300, 1450, 1600].map((at) => v.click(at, '#apply', apply))];
    const ids = await ingestBatches(server, [first, [v.move(9000, 5, 5)]]);
    const signals = await signalsOf(server, ids.sessionId);
    expect(signals).toEqual([
      expect.objectContaining({ kind: 'rage', selector: '#apply', label: '"Apply" button', count: 5, deadClicks: 5, outcome: '5 clicks, nothing happened' }),
    ]);
    const dead = (await (await adminFetch(`${server.url}/api/heatmaps?page=/burst&kind=dead`)).json()) as HeatmapResponse;
    expect(dead.total).toBe(0);
    const withDead = await (await adminFetch(`${server.url}/api/sessions?hasDead=true&from=${v.ts(0)}&to=${v.ts(0)}`)).json();
    expect(withDead.total).toBe(0);
  });

  test('judges a click left at the end of a batch once the next batch shows whether anything answered it', async () => {
    const dead = visit(Date.UTC(2024, 4, 1, 12));
    const deadIds = await ingestBatches(server, [[...dead.load(0, '/dead'), dead.click(3000, '#banner')]]);
    expect(await signalsOf(server, deadIds.sessionId)).toEqual([]);
    // A long pause (the visitor read the page) before anything else happened: the click is still judged.
    await ingest(server.url, makeBatch([dead.mutation(60_000)], { ...deadIds, seq: 1 }));
    expect((await signalsOf(server, deadIds.sessionId)).map(brief)).toEqual([
      { kind: 'dead', ts: dead.ts(3000), selector: '#banner', count: 1 },
    ]);

    // The answer to this click (a mutation 400 ms later) arrives in the next batch: not dead.
    const slow = visit(Date.UTC(2024, 4, 1, 12, 30));
    const slowIds = await ingestBatches(server, [
      [...slow.load(0, '/dead'), slow.click(3000, '#slow')],
      [slow.mutation(3400), slow.mutation(60_000)],
    ]);
    expect(await signalsOf(server, slowIds.sessionId)).toEqual([]);
  });

  test('reports an error click with the error message', async () => {
    const v = visit(Date.UTC(2024, 4, 1, 13));
    const ids = await ingestBatches(server, [
      [...v.load(0, '/err'), v.click(1000, '#pay', { label: '"Pay" button' }), v.mutation(1100), v.error(1300, 'TypeError: total is undefined')],
      [v.mutation(5000)],
    ]);
    const signals = await signalsOf(server, ids.sessionId);
    expect(signals).toEqual([
      {
        kind: 'error',
        windowId: ids.windowId,
        ts: v.ts(1000),
        selector: '#pay',
        label: '"Pay" button',
        count: 1,
        deadClicks: 0,
        x: 100,
        y: 200,
        page: '/err',
        message: 'TypeError: total is undefined',
        outcome: '1 error: TypeError: total is undefined',
      },
    ]);
  });

  test('finds, batch by batch, exactly the signals found over the whole recording', async () => {
    const v = visit(Date.UTC(2024, 4, 2, 9));
    const events: RecordedEvent[] = [...v.load(0, '/long')];
    // A deterministic mix of normal, rage, dead and error clicks at varying gaps and spots.
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let at = 500;
    for (let index = 0; index < 60; index++) {
      const x = 50 + (index % 7) * 120;
      const kind = ['normal', 'rage', 'dead', 'error', 'normal'][Math.floor(random() * 5)];
      const selector = `#target-${index % 7}`;
      if (kind === 'rage') {
        for (let click = 0; click < 3 + (index % 3); click++) events.push(v.click(at + click * 180, selector, { x, y: 300 }));
        at += 3 * 180 + 5 * 180;
      } else {
        events.push(v.click(at, selector, { x, y: 300 }));
        if (kind === 'normal') events.push(v.mutation(at + 150));
        if (kind === 'error') events.push(v.error(at + 200, `Error ${index}`));
      }
      at += 400 + Math.floor(random() * 2600);
    }
    events.push(v.mutation(at + 5000));
    const batches: RecordedEvent[][] = [];
    for (let startIndex = 0, size = 1; startIndex < events.length; startIndex += size, size = 1 + (size * 5) % 7) {
      batches.push(events.slice(startIndex, startIndex + size));
    }
    const ids = await ingestBatches(server, batches);

    const expected = findSignals(events)
      .map(({ kind, ts, selector, count }) => ({ kind, ts, selector, count }))
      .sort((a, b) => a.ts - b.ts || a.kind.localeCompare(b.kind));
    const actual = (await signalsOf(server, ids.sessionId)).map(brief).sort((a, b) => a.ts - b.ts || a.kind.localeCompare(b.kind));
    expect(new Set(expected.map((signal) => signal.kind))).toEqual(new Set(['rage', 'dead', 'error']));
    expect(actual).toEqual(expected);
  });

  test('a re-sent batch derives nothing twice', async () => {
    const v = visit(Date.UTC(2024, 4, 3, 9));
    const batch = [
      ...v.load(0, '/checkout'),
      v.click(500, '#buy'),
      v.click(600, '#buy'),
      v.click(700, '#buy'),
      v.move(800, 10, 10),
      v.field(900, 'focus', '#email'),
      v.track(950, 'add_to_cart', { value: 10 }),
      v.mutation(4000),
    ];
    const ids = { sessionId: newId(), windowId: newId() };
    const tables = ['clicks', 'page_views', 'form_events', 'signals', 'custom_events', 'window_carry'];
    const snapshot = () => ({
      ...Object.fromEntries(tables.map((table) => [table, server.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()])),
      cells: server.db.prepare('SELECT coalesce(sum(count), 0) FROM heatmap_cells').pluck().get(),
      pageDays: server.db.prepare('SELECT sum(views) || \' \' || sum(clicks) || \' \' || sum(moves) FROM page_days').pluck().get(),
    });
    await ingest(server.url, makeBatch(batch, { ...ids, seq: 0 }));
    const once = snapshot();
    expect((await ingest(server.url, makeBatch(batch, { ...ids, seq: 0 }))).duplicate).toBe(true);
    expect(snapshot()).toEqual(once);
  });

  test('keeps the heatmap day of a signal in UTC', async () => {
    const v = visit(Date.UTC(2024, 4, 4) - 2000);
    await ingestBatches(server, [[...v.load(0, '/midnight'), v.click(500, '#x'), v.click(600, '#x'), v.click(700, '#x'), v.mutation(9000)]]);
    const dayBefore = Date.UTC(2024, 4, 3, 12);
    const url = `${server.url}/api/heatmaps?page=/midnight&kind=rage`;
    expect(((await (await adminFetch(`${url}&from=${dayBefore}&to=${dayBefore}`)).json()) as HeatmapResponse).total).toBe(1);
    expect(((await (await adminFetch(`${url}&from=${dayBefore + DAY}`)).json()) as HeatmapResponse).total).toBe(0);
  });
});
