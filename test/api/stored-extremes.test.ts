/**
 * Every report is total over whatever is stored. Ingest now refuses extreme timestamps, but databases written before
 * that, imports and hand edits can hold anything a column accepts: so a busy recording is ingested, then values are
 * written straight into every table (bypassing ingest), and every read route must still answer, never with a 500.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sweepExpiredSessions } from '../../server/retention.ts';
import type { Database } from '../../server/storage/db.ts';
import { closeIdleSessions } from '../../server/webhooks/session-closer.ts';
import type { DeletionLogResponse } from '../../contract/access.ts';
import type {
  FormsResponse,
  FunnelQueryResponse,
  HeatmapResponse,
  HeatmapSnapshotResponse,
  MetricsResponse,
  ScrollmapResponse,
} from '../../contract/insights.ts';
import type { SessionDetail } from '../../contract/api.ts';
import { BUSY_PAGE, BUSY_START, callRoute, startBusyProject, type BusyProject } from './busy-project.ts';
import { visit } from './shop-events.ts';
import { makeBatch, postBatch } from './support.ts';

/** Columns that hold times: a name that is `ts`, `day`, `at` or ends in `_ts` or `_at`. */
const isTimeColumn = (name: string) => /^(ts|day|at)$|_(ts|at)$/.test(name);
/** Keys that tie rows together (ids, project, session, window): changing them would only hide rows. */
const isKey = (name: string) => /^(id|key|url|rowid)$|_id$|_hash$/.test(name);

interface Column {
  table: string;
  name: string;
  type: string;
}

function columns(db: Database): Column[] {
  return db
    .prepare<[], Column>(
      `SELECT m.name AS "table", c.name AS name, upper(c.type) AS type FROM sqlite_master m, pragma_table_info(m.name) c
       WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, c.cid`,
    )
    .all();
}

/** Sets `column` of every row to `value`; a constraint the value breaks (NOT NULL, CHECK, UNIQUE) leaves it as it was. */
function plant(db: Database, { table, name }: Column, value: unknown): void {
  try {
    db.prepare(`UPDATE OR IGNORE "${table}" SET "${name}" = ?`).run(value);
  } catch {
    // The column refuses this value outright (a CHECK constraint): nothing stored, nothing to test.
  }
}

/** TEXT columns whose every stored value is a JSON object or array (props, payloads, details, steps, lists). */
function jsonColumns(db: Database): Column[] {
  return columns(db).filter(({ table, name, type }) => {
    if (type !== 'TEXT') return false;
    const { rows, json } = db
      .prepare(`SELECT count("${name}") AS rows, sum(json_valid("${name}") AND substr("${name}", 1, 1) IN ('{', '[')) AS json FROM "${table}"`)
      .get() as { rows: number; json: number | null };
    return rows > 0 && json === rows;
  });
}

/** Repacks every funnel timeline from the planted rows, as a trigger would after an edit it can see. */
function repackTimelines(db: Database): void {
  db.exec('INSERT INTO funnel_timeline_refresh SELECT id FROM sessions');
}

const extremeNumbers: unknown[] = [
  8.7e15,
  -8.7e15,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  9_223_372_036_854_775_807n,
  -9_223_372_036_854_775_808n,
  1e300,
  -1e300,
  0.5,
  -1,
  0,
  'soon',
  '',
  null,
];

const oddJson: unknown[] = [
  '{',
  'NaN',
  '',
  'null',
  '[]',
  '{}',
  '{"name":"purchase"}',
  '{"props":null}',
  '{"props":{"value":"NaN","orderId":{"nested":[1e308]}}}',
  '{"props":{"value":1e999,"orderId":-0}}',
  '{"props":{"value":-8.7e15,"orderId":9007199254740993}}',
  '{"message":{"toString":1},"props":[1]}',
  '[{"type":"page"},{"type":"event","name":5}]',
  '["rage_click",7,null]',
];

const oddTexts: unknown[] = [
  '',
  'NaN',
  '{',
  '{"name":"purchase","props":{"value":"NaN","orderId":{"nested":[1e308]}}}',
  '{"props":null}',
  '[]',
  'null',
  '\u0000\u202e<script>',
  'x'.repeat(100_000),
  8.7e15,
  null,
];

/** Events no recorder sends and today's ingest refuses or rewrites, as an older database may hold them in chunks. */
const oddEvents: unknown[] = [
  { type: 4, data: { href: 'https://shop.test/product/7', width: 1e300, height: -1 }, timestamp: 8.7e15 },
  {
    type: 2,
    data: {
      node: { type: 0, id: 1, childNodes: [{ type: 2, id: 2, tagName: 'img', attributes: { src: 'https://shop.test/a.png', style: 'background:url(https://shop.test/b.png)' }, childNodes: null }] },
      initialOffset: null,
    },
    timestamp: -8.7e15,
  },
  { type: 2, data: null, timestamp: 'soon' },
  { type: 2, data: { node: null }, timestamp: 2 },
  { type: 3, data: { source: 0, adds: null, attributes: [{ id: 1, attributes: null }], texts: 5, removes: 'x' }, timestamp: 1.5 },
  { type: 3, data: { source: 0, adds: [{ parentId: 1, node: { type: 2, tagName: 5, attributes: [] } }], attributes: [null] }, timestamp: 3 },
  { type: 3, data: { source: 8, adds: [{ rule: 5 }], removes: null }, timestamp: 0 },
  { type: 3, data: { source: 13, set: { property: 'background', value: 'url(https://shop.test/c.png)' } }, timestamp: 4 },
  { type: 5, data: { tag: 'sl:click', payload: null }, timestamp: 1e300 },
  { type: 6, data: null, timestamp: null },
  { type: 'x', data: 'y' },
  null,
  5,
  'text',
  [],
];

interface Scenario {
  name: string;
  apply(db: Database): void;
}

const scenarios: Scenario[] = [
  { name: 'as ingested', apply: () => {} },
  ...extremeNumbers.map((value) => ({
    name: `every time column = ${String(value)}`,
    apply: (db: Database) => columns(db).filter((c) => isTimeColumn(c.name)).forEach((c) => plant(db, c, value)),
  })),
  ...extremeNumbers.map((value) => ({
    name: `every numeric column = ${String(value)}`,
    apply: (db: Database) =>
      columns(db)
        .filter((c) => /INT|REAL/.test(c.type) && !isKey(c.name))
        .forEach((c) => plant(db, c, value)),
  })),
  ...oddJson.map((value) => ({
    name: `every JSON column = ${JSON.stringify(value)?.slice(0, 40)}`,
    apply: (db: Database) => jsonColumns(db).forEach((c) => plant(db, c, value)),
  })),
  {
    name: 'every chunk holds odd events',
    apply: (db: Database) => {
      db.prepare('UPDATE chunks SET events_gz = ?, event_count = ?').run(gzipSync(JSON.stringify(oddEvents)), oddEvents.length);
    },
  },
  ...oddTexts.map((value) => ({
    name: `every text column = ${JSON.stringify(value)?.slice(0, 40)}`,
    apply: (db: Database) =>
      columns(db)
        .filter((c) => c.type === 'TEXT' && !isKey(c.name))
        .forEach((c) => plant(db, c, value)),
  })),
];

/** Answers of the routes that must show the recording, before anything is planted. */
async function answer<T>(busy: BusyProject, path: string, body?: unknown): Promise<T> {
  const { status, text } = await callRoute(busy.server, { path, body });
  expect(status, text).toBe(200);
  return JSON.parse(text) as T;
}

describe('the busy project reaches every report', () => {
  let busy: BusyProject;
  beforeAll(async () => {
    busy = await startBusyProject();
  });
  afterAll(() => busy?.server.close());

  test('each report shows the recording, so planting into its rows is tested', async () => {
    const heatmap = (kind: string) => answer<HeatmapResponse>(busy, `/api/heatmaps?page=${BUSY_PAGE}&kind=${kind}`);
    expect({
      clicks: (await heatmap('click')).total,
      rage: (await heatmap('rage')).total,
      moves: (await heatmap('move')).total > 0,
      scrolled: (await answer<ScrollmapResponse>(busy, `/api/scrollmap?page=${BUSY_PAGE}`)).views,
      snapshot: (await answer<HeatmapSnapshotResponse>(busy, `/api/heatmaps/snapshot?page=${BUSY_PAGE}`)).events.length > 0,
      forms: (await answer<FormsResponse>(busy, '/api/forms')).forms.length,
      orders: (await answer<MetricsResponse>(busy, '/api/metrics')).totals.orders,
      refunds: (await answer<MetricsResponse>(busy, '/api/metrics')).totals.refunds,
      funnel: (await answer<FunnelQueryResponse>(busy, '/api/funnels/query', { steps: [{ type: 'page', pattern: '/product/*' }] })).steps[0]!.sessions,
      deletions: (await answer<DeletionLogResponse>(busy, '/api/deletions')).deletions.length,
      marks: (await answer<SessionDetail>(busy, `/api/sessions/${busy.sessionId}`)).marks.length > 0,
    }).toEqual({
      clicks: 4, rage: 1, moves: true, scrolled: 1, snapshot: true, forms: 1, orders: 1, refunds: 1, funnel: 1, deletions: 1, marks: true,
    });
  });
});

describe.each(scenarios)('reports are total: $name', ({ apply }) => {
  let busy: BusyProject;
  beforeAll(async () => {
    busy = await startBusyProject();
    apply(busy.server.db);
    repackTimelines(busy.server.db);
  });
  afterAll(() => busy?.server.close());

  test('every read route answers, none with a 500', async () => {
    for (const route of busy.routes) {
      const { name, status, text } = await callRoute(busy.server, route);
      if (status >= 400 && status < 500 && route.refusal !== undefined) {
        expect.soft(JSON.parse(text).error.code, name).toBe(route.refusal);
        continue;
      }
      expect.soft(status, `${name}: ${text.slice(0, 200)}`).toBe(200);
      if (status === 200) expect.soft(() => JSON.parse(text), name).not.toThrow();
    }
  });

  test('a further batch of the session is answered, not failed', async () => {
    const v = visit(BUSY_START + 20_000);
    const batch = makeBatch([...v.load(0, '/product/7'), v.click(500, '#buy')], { sessionId: busy.sessionId, windowId: busy.windowId, seq: 2 });
    const response = await postBatch(busy.server.url, batch);
    // Refusing is fine (the planted session may now be too long); failing is not.
    expect(response.status, await response.text()).toBeLessThan(500);
  });

  test('the session closer and the retention sweep run to completion', async () => {
    await expect(closeIdleSessions(busy.server.store, { idleMs: 0, logRetentionMs: 0 })).resolves.toBeTypeOf('number');
    busy.server.db.prepare('UPDATE projects SET retention_days = 1').run();
    await expect(sweepExpiredSessions(busy.server.store, Date.UTC(2031, 0, 1))).resolves.toBeDefined();
  });
});
