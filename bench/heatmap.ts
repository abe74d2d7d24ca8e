/**
 * Heatmap and funnel queries at scale: builds a temporary SQLite database with 1,000,000 clicks on one page and
 * 100,000 sessions through the storage modules ingest uses (same buckets, same tables, in transactions), then times
 * the API routes over HTTP, median of 5 runs after one warm-up, against named baselines: the same heatmap grouped
 * from the raw clicks table through its index, one full scan of the page views the funnel reads, and the join of
 * every session with its checkout events that the metrics read before storage kept per-day totals.
 * `npm run bench` calls `runHeatmapBench` (figure 5); alone:
 *
 *   npx tsx bench/heatmap.ts [--clicks 1000000] [--sessions 100000] [--runs 5]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { dayOf, DAY_MS } from '../contract/buckets.ts';
import type { DeviceClass } from '../contract/vocabulary.ts';
import { createApp } from '../server/app.ts';
import { defaultConfig } from '../server/config.ts';
import { createClickQueries } from '../server/storage/clicks.ts';
import { createCustomEventQueries } from '../server/storage/custom-events.ts';
import { openDatabase, type Database } from '../server/storage/db.ts';
import { addClickPoint, CellTally, createHeatmapQueries } from '../server/storage/heatmap-cells.ts';
import { createPageViewQueries } from '../server/storage/page-views.ts';
import { createSessionQueries } from '../server/storage/sessions.ts';
import { createSqliteStore } from '../server/storage/store.ts';

export interface BenchOptions {
  /** Clicks recorded on the benchmarked page. Defaults to 1,000,000. */
  clicks: number;
  /** Sessions, each a walk through list → product → cart → checkout → purchase. Defaults to 100,000. */
  sessions: number;
  /** Timed runs per query; the median is reported. Defaults to 5. */
  runs: number;
  /** Days the traffic is spread over. Defaults to 30. */
  days: number;
  /** Clickable elements on the product page. Defaults to 40. */
  elements: number;
}

export const defaultHeatmapOptions: BenchOptions = { clicks: 1_000_000, sessions: 100_000, runs: 5, days: 30, elements: 40 };
// Module state, set by each run, so the seeding code below reads it as before.
let options: BenchOptions = defaultHeatmapOptions;

/** mulberry32: a small seeded generator, so every run builds the same data. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let rand = random(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
/** Click offsets cluster around an element's centre, as real clicks do. */
const aroundCentre = () => Math.min(1, Math.max(0, 0.5 + (rand() + rand() + rand() - 1.5) * 0.35));

const WIDTHS: Record<DeviceClass, number[]> = {
  desktop: [1280, 1366, 1440, 1536, 1920],
  tablet: [768, 810, 820],
  mobile: [360, 375, 390, 414],
};
const deviceFor = (): DeviceClass => (rand() < 0.6 ? 'desktop' : rand() < 0.75 ? 'mobile' : 'tablet');
const START = Date.UTC(2024, 0, 1);
const PAGE = '/product/:id';
const PROJECT = 1;
/** The admin token of the benchmark's own server: the report routes need a login. */
const BENCH_TOKEN = 'bench-admin-token';

interface SessionPlan {
  id: string;
  start: number;
  device: DeviceClass;
  width: number;
  productViewAt: number | null;
}

function buildSessions(db: Database): SessionPlan[] {
  const sessions = createSessionQueries(db);
  const views = createPageViewQueries(db);
  const events = createCustomEventQueries(db);
  const heatmaps = createHeatmapQueries(db);
  const plans: SessionPlan[] = [];
  const insertSome = db.transaction((from: number, to: number) => {
    const tally = new CellTally();
    for (let index = from; index < to; index++) {
      const device = deviceFor();
      const width = pick(WIDTHS[device]);
      const start = START + Math.floor(rand() * options.days * DAY_MS);
      const id = `s${index}`;
      // list → product (70%) → add to cart + cart (50%) → checkout (60%) → purchase (70%).
      const walk: Array<{ path: string; track?: string }> = [{ path: '/' }];
      if (rand() < 0.7) walk.push({ path: `/product/${1 + Math.floor(rand() * 500)}` });
      if (walk.length === 2 && rand() < 0.5) walk.push({ path: '/cart', track: 'add_to_cart' });
      if (walk.length === 3 && rand() < 0.6) walk.push({ path: '/checkout' });
      if (walk.length === 4 && rand() < 0.7) walk.push({ path: '/confirmation', track: 'purchase' });
      const at = (step: number) => start + step * 45_000;
      const lastTs = at(walk.length);
      sessions.apply(
        {
          id,
          projectId: PROJECT,
          browser: 'Chrome',
          browserVersion: '131.0.0.0',
          os: 'Linux',
          osVersion: '',
          now: lastTs,
          delta: {
            firstTs: start,
            lastTs,
            activeMs: lastTs - start,
            lastInputTs: lastTs,
            entry: { url: `https://shop.test/`, ts: start },
            pages: walk.map((step, i) => ({ url: `https://shop.test${step.path}`, firstTs: at(i) })),
            clickCount: 0,
            errorCount: 0,
      consoleErrorCount: 0,
      failedRequestCount: 0,
            eventCount: 100,
            viewport: { width, height: 800, device },
            userId: null,
            customEvents: [],
          },
        },
        'w',
      );
      walk.forEach((step, i) => {
        const pageKey = step.path.startsWith('/product/') ? PAGE : step.path;
        const view = {
          continues: false,
          url: `https://shop.test${step.path}`,
          pageKey,
          ts: at(i),
          lastTs: at(i) + 40_000,
          device,
          viewportWidth: width,
          viewportHeight: 800,
          maxSeenBottom: 800 + Math.floor(rand() * 2200),
          documentHeight: 3000,
          snapshotTs: at(i) + 1,
        };
        views.insert(view, { projectId: PROJECT, sessionId: id, windowId: 'w', day: dayOf(view.ts) });
        tally.addPage({ projectId: PROJECT, pageKey, device, day: dayOf(view.ts) }, { views: 1 });
        if (step.track) {
          const props = { name: step.track, props: { value: 10 + Math.floor(rand() * 90) } };
          events.insertAll(id, 'w', [{ ts: at(i) + 1000, tag: 'sl:track', name: step.track, props }]);
        }
      });
      plans.push({ id, start, device, width, productViewAt: walk.length > 1 ? at(1) : null });
    }
    heatmaps.apply(tally);
  });
  for (let from = 0; from < options.sessions; from += 10_000) insertSome(from, Math.min(options.sessions, from + 10_000));
  return plans;
}

function buildClicks(db: Database, plans: SessionPlan[]): void {
  const clicks = createClickQueries(db);
  const heatmaps = createHeatmapQueries(db);
  const visitors = plans.filter((plan) => plan.productViewAt !== null);
  // Element i: a box at a fraction of the width, and a top edge in px; popularity falls off as 1 / (i + 1).
  const boxes = Array.from({ length: options.elements }, (_, i) => ({
    selector: `#product > .block:nth-of-type(${i + 1}) > button`,
    left: (i % 4) * 0.25 + 0.02,
    width: 0.2,
    top: 120 + Math.floor(i / 4) * 260,
    height: 48,
  }));
  const weights = boxes.map((_, i) => 1 / (i + 1));
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const chooseBox = () => {
    let r = rand() * totalWeight;
    for (let i = 0; i < boxes.length; i++) if ((r -= weights[i]) <= 0) return boxes[i];
    return boxes[boxes.length - 1];
  };
  const insertSome = db.transaction((count: number, offset: number) => {
    const tally = new CellTally();
    for (let n = 0; n < count; n++) {
      const plan = visitors[(offset + n) % visitors.length];
      const box = chooseBox();
      const ox = aroundCentre();
      const oy = aroundCentre();
      // Narrow screens stack the blocks, so the same element sits further down.
      const stretch = plan.device === 'mobile' ? 2.2 : plan.device === 'tablet' ? 1.4 : 1;
      const x = (box.left + box.width * ox) * plan.width;
      const y = (box.top + box.height * oy) * stretch;
      const ts = plan.productViewAt! + 1000 + n;
      const device = plan.device;
      const click = { selector: box.selector, tag: 'button', label: '"Add to cart" button', ox, oy, x, y, vw: plan.width, vh: 800, dw: plan.width, dh: 3000, device, ts };
      const day = dayOf(ts);
      clicks.insert({ ...click, projectId: PROJECT, sessionId: plan.id, windowId: 'w', pageKey: PAGE, url: 'https://shop.test/product/1', day });
      const base = { projectId: PROJECT, pageKey: PAGE, device, day };
      addClickPoint(tally, 'click', base, click, 1);
      tally.addPage(base, { clicks: 1 });
    }
    heatmaps.apply(tally);
  });
  const perTransaction = 20_000;
  for (let done = 0; done < options.clicks; done += perTransaction) {
    insertSome(Math.min(perTransaction, options.clicks - done), done);
  }
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function time(run: () => Promise<unknown> | unknown): Promise<number> {
  await run(); // warm-up: prepared statements, page cache
  const times: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Medians in ms, by query, of one run. */
export interface HeatmapBenchResult {
  /** Every timed query and baseline, in print order. */
  figures: Array<[string, number]>;
  heatmapMs: number;
  funnelMs: number;
  /** The heatmap's buckets grouped from the raw clicks table, SQL alone. */
  heatmapBaselineMs: number;
  /** One full scan of the page views table, SQL alone: the data the funnel reads. */
  funnelBaselineMs: number;
  metricsMs: number;
  /** Every session joined with its cart, purchase and refund events, SQL alone: what the metrics read before totals. */
  metricsBaselineMs: number;
  /** What was built: counts, and how long building took in ms. */
  built: { sessions: number; clicks: number; cells: number; databaseBytes: number; sessionsMs: number; clicksMs: number };
}

export async function runHeatmapBench(overrides: Partial<BenchOptions> = {}): Promise<HeatmapBenchResult> {
  options = { ...defaultHeatmapOptions, ...overrides };
  rand = random(42);
  const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-'));
  const dbPath = join(dir, 'bench.db');
  const db = openDatabase(dbPath);
  try {
    let started = performance.now();
    const plans = buildSessions(db);
    const sessionsMs = performance.now() - started;
    started = performance.now();
    buildClicks(db, plans);
    const clicksMs = performance.now() - started;
    db.pragma('wal_checkpoint(TRUNCATE)');
    const cells = db.prepare('SELECT count(*) FROM heatmap_cells WHERE page_key = ?').pluck().get(PAGE) as number;
    const built = { sessions: options.sessions, clicks: options.clicks, cells, databaseBytes: statSync(dbPath).size, sessionsMs, clicksMs };

    // The baseline runs in this process and blocks it, so it is timed before the server starts: an idle keep-alive
    // connection would otherwise time out under it.
    const baseline = db.prepare(`
      SELECT selector, CAST(ox * 20 AS INTEGER) AS cx, CAST(oy * 20 AS INTEGER) AS cy, count(*) AS count
      FROM clicks WHERE page_key = ? GROUP BY selector, cx, cy`);
    const baselineMs = await time(() => baseline.all(PAGE));
    const scan = db.prepare('SELECT count(*), sum(length(url)), max(last_ts) FROM page_views');
    const funnelBaselineMs = await time(() => scan.get());
    const checkoutJoin = db.prepare(`
      SELECT count(*), sum(s.started_at / ${DAY_MS}), total(json_extract(e.props, '$.props.value'))
      FROM sessions s JOIN custom_events e ON e.session_id = s.id
      WHERE s.project_id = ${PROJECT} AND e.tag = 'sl:track' AND e.name IN ('add_to_cart', 'purchase', 'refund')`);
    const metricsBaselineMs = await time(() => checkoutJoin.get());

    const app = createApp({ store: createSqliteStore(db), config: { ...defaultConfig, dbPath, adminToken: BENCH_TOKEN } });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${BENCH_TOKEN}` } });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const lastWeek = START + (options.days - 7) * DAY_MS;
    const funnel = {
      steps: [
        { type: 'page', pattern: '/' },
        { type: 'page', pattern: '/product/*' },
        { type: 'event', name: 'add_to_cart' },
        { type: 'page', pattern: '/checkout' },
        { type: 'event', name: 'purchase' },
      ],
    };

    const figures: Array<[string, number]> = [
      ['GET /api/heatmaps (1M clicks, all devices, all days)', await time(() => get(`/api/heatmaps?page=${encodeURIComponent(PAGE)}`))],
      ['GET /api/heatmaps (mobile, last 7 days)', await time(() => get(`/api/heatmaps?page=${encodeURIComponent(PAGE)}&device=mobile&from=${lastWeek}`))],
      ['GET /api/heatmaps/pages', await time(() => get('/api/heatmaps/pages'))],
      ['GET /api/scrollmap (product views)', await time(() => get(`/api/scrollmap?page=${encodeURIComponent(PAGE)}`))],
      [`POST /api/funnels/query (5 steps, ${options.sessions.toLocaleString('en')} sessions)`, await time(async () => {
        const response = await fetch(`${base}/api/funnels/query`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${BENCH_TOKEN}` },
          body: JSON.stringify(funnel),
        });
        if (!response.ok) throw new Error(`funnel: ${response.status}`);
        return response.json();
      })],
      ['GET /api/metrics (all days)', await time(() => get('/api/metrics'))],
      ['baseline: element buckets grouped from the clicks table (SQL only)', baselineMs],
      ['baseline: one full scan of page_views (SQL only)', funnelBaselineMs],
      ['baseline: sessions joined with their checkout events (SQL only)', metricsBaselineMs],
    ];
    await new Promise((resolve) => server.close(resolve));
    const figure = (prefix: string) => figures.find(([name]) => name.startsWith(prefix))![1];
    return {
      figures,
      heatmapMs: figures[0][1],
      funnelMs: figure('POST /api/funnels/query'),
      metricsMs: figure('GET /api/metrics'),
      heatmapBaselineMs: baselineMs,
      funnelBaselineMs,
      metricsBaselineMs,
      built,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: { clicks: { type: 'string' }, sessions: { type: 'string' }, runs: { type: 'string' } },
  });
  const result = await runHeatmapBench({
    clicks: Number(values.clicks ?? defaultHeatmapOptions.clicks),
    sessions: Number(values.sessions ?? defaultHeatmapOptions.sessions),
    runs: Number(values.runs ?? defaultHeatmapOptions.runs),
  });
  const { built } = result;
  console.log(`Built ${built.sessions.toLocaleString('en')} sessions in ${(built.sessionsMs / 1000).toFixed(1)} s and ` +
    `${built.clicks.toLocaleString('en')} clicks in ${(built.clicksMs / 1000).toFixed(1)} s ` +
    `(${built.cells.toLocaleString('en')} heatmap buckets; database ${(built.databaseBytes / 1e6).toFixed(0)} MB).`);
  console.log(`\nMedian of ${options.runs} runs:`);
  for (const [name, ms] of result.figures) console.log(`  ${name.padEnd(68)} ${ms.toFixed(1).padStart(8)} ms`);
  console.log(`\nThe whole heatmap route vs the baseline's SQL alone: ${(result.heatmapBaselineMs / result.heatmapMs).toFixed(1)}x faster.`);
}
