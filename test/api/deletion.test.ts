import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {
  DeletionLogResponse,
  RetentionResponse,
  SessionExport,
  UserDeletionResponse,
} from '../../contract/access.ts';
import type { HeatmapPagesResponse, HeatmapResponse } from '../../contract/insights.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { sweepExpiredSessions } from '../../server/retention.ts';
import type { Database } from '../../server/storage/db.ts';
import { readSubjectKey, subjectHash } from '../../server/storage/deletion-subject.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError, ingest, makeBatch, newId } from './support.ts';
import { visit } from './shop-events.ts';

const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 6, 1, 10);

/** Every table with a session_id column, from the schema itself. */
function sessionTables(db: Database): string[] {
  return db
    .prepare<[], { name: string }>(
      `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
       WHERE m.type = 'table' AND c.name = 'session_id' ORDER BY m.name`,
    )
    .all()
    .map((row) => row.name);
}

/** Rows naming the session, per table; `sessions` counts the session row itself. */
function rowsOf(db: Database, sessionId: string): Record<string, number> {
  const counts: Record<string, number> = {
    sessions: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM sessions WHERE id = ?').get(sessionId)!.n,
  };
  for (const table of sessionTables(db)) {
    counts[table] = db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM "${table}" WHERE session_id = ?`).get(sessionId)!.n;
  }
  return counts;
}

/** The pre-aggregated tables (heatmaps, funnel labels and their uses), whole and in a fixed order. */
function aggregates(db: Database) {
  return {
    cells: db.prepare('SELECT * FROM heatmap_cells ORDER BY page_key, kind, span, device, day, selector, anchor, doc_width, cell_x, cell_y').all(),
    pageDays: db.prepare('SELECT * FROM page_days ORDER BY page_key, device, day').all(),
    funnelLabels: db.prepare('SELECT kind, text, uses FROM funnel_labels ORDER BY kind, text').all(),
  };
}

/**
 * A shopper on /product/:id who clicks, hammers #buy (rage and dead clicks), moves the mouse, fills a form field
 * and tracks an event, over two windows and three batches: a row in every derived table.
 */
function busySession(start: number, userId?: string) {
  const v = visit(start);
  const ids = { sessionId: newId(), windowId: newId(), secondWindow: newId() };
  const identify: RecordedEvent[] = userId ? [{ type: 5, data: { tag: 'sl:identify', payload: { userId, traits: {} } }, timestamp: v.ts(5) }] : [];
  const batches: { windowId: string; seq: number; events: RecordedEvent[] }[] = [
    {
      windowId: ids.windowId,
      seq: 0,
      events: [
        ...v.load(0, '/product/7'),
        ...identify,
        v.click(1000, '#buy', { ox: 0.2, oy: 0.3, x: 400, y: 600 }),
        v.mutation(1100),
        v.click(3000, '#buy', { ox: 0.4, oy: 0.4, x: 410, y: 610 }),
        v.click(3200, '#buy', { ox: 0.4, oy: 0.4, x: 410, y: 610 }),
        v.click(3400, '#buy', { ox: 0.4, oy: 0.4, x: 410, y: 610 }),
        ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => v.move(4000 + i * 10, 30 + i, 40 + i)),
      ],
    },
    {
      windowId: ids.windowId,
      seq: 1,
      events: [
        v.field(6000, 'focus', '#email'), v.field(6500, 'change', '#email'), v.track(7000, 'add_to_cart'),
        v.console(7500, 'error', 'Payment failed'), v.mutation(12_000),
      ],
    },
    { windowId: ids.secondWindow, seq: 0, events: [...v.load(500, '/cart'), v.click(2000, '#checkout'), v.mutation(2100), v.mutation(9000)] },
  ];
  return { ids, batches };
}

async function ingestSession(server: TestServer, session: ReturnType<typeof busySession>): Promise<void> {
  for (const { windowId, seq, events } of session.batches) {
    await ingest(server.url, makeBatch(events, { sessionId: session.ids.sessionId, windowId, seq }));
  }
}

async function getJson<T>(server: TestServer, path: string): Promise<T> {
  const response = await adminFetch(`${server.url}${path}`);
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body as T;
}

function send(server: TestServer, method: 'DELETE' | 'PUT', path: string, body?: unknown): Promise<Response> {
  return adminFetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe('DELETE /api/sessions/:id', () => {
  let server: TestServer;
  let twin: TestServer;
  const doomed = busySession(START);
  const kept = busySession(START + 60_000);

  beforeAll(async () => {
    [server, twin] = await Promise.all([startTestServer(), startTestServer()]);
    await ingestSession(server, doomed);
    await ingestSession(server, kept);
    // The twin never saw the doomed session: after the deletion, its aggregates are what the server's must be.
    await ingestSession(twin, kept);
  });
  afterAll(async () => {
    await Promise.all([server.close(), twin.close()]);
  });

  test('removes the session and every row naming it, its heatmap counts, and nothing of other sessions', async () => {
    const before = rowsOf(server.db, doomed.ids.sessionId);
    // The recording reached every table ingest writes, so an empty table afterwards means a deletion.
    for (const table of ['sessions', 'chunks', 'session_windows', 'session_pages', 'custom_events', 'page_views', 'clicks',
      'signals', 'form_events', 'window_carry', 'session_move_cells', 'funnel_timelines', 'page_errors']) {
      expect(before[table], table).toBeGreaterThan(0);
    }
    const keptBefore = rowsOf(server.db, kept.ids.sessionId);
    const heatmapBefore = await getJson<HeatmapResponse>(server, '/api/heatmaps?page=/product/:id');
    const movesBefore = await getJson<HeatmapResponse>(server, '/api/heatmaps?page=/product/:id&kind=move');
    const rageBefore = await getJson<HeatmapResponse>(server, '/api/heatmaps?page=/product/:id&kind=rage');
    expect({ clicks: heatmapBefore.total, moves: movesBefore.total, rage: rageBefore.total }).toEqual({ clicks: 8, moves: 4, rage: 2 });

    const response = await send(server, 'DELETE', `/api/sessions/${doomed.ids.sessionId}`);
    expect(response.status).toBe(204);

    const after = rowsOf(server.db, doomed.ids.sessionId);
    expect(Object.values(after).every((count) => count === 0), JSON.stringify(after)).toBe(true);
    expect(Object.keys(after)).toEqual(expect.arrayContaining(Object.keys(before)));
    expect(rowsOf(server.db, kept.ids.sessionId)).toEqual(keptBefore);

    // The page's counts drop by exactly the deleted session's four clicks, two moves and one rage click.
    expect((await getJson<HeatmapResponse>(server, '/api/heatmaps?page=/product/:id')).total).toBe(4);
    expect((await getJson<HeatmapResponse>(server, '/api/heatmaps?page=/product/:id&kind=move')).total).toBe(2);
    expect((await getJson<HeatmapResponse>(server, '/api/heatmaps?page=/product/:id&kind=rage')).total).toBe(1);
    expect(aggregates(server.db)).toEqual(aggregates(twin.db));
    expect((await getJson<HeatmapPagesResponse>(server, '/api/heatmaps/pages')).pages).toEqual(
      (await getJson<HeatmapPagesResponse>(twin, '/api/heatmaps/pages')).pages,
    );
    await expectApiError(await adminFetch(`${server.url}/api/sessions/${doomed.ids.sessionId}`), 404, 'session_not_found');
    expect((await adminFetch(`${server.url}/api/sessions/${kept.ids.sessionId}`)).status).toBe(200);
  });

  test('drops a page from the page list once its only session is gone', async () => {
    const v = visit(START + DAY_MS);
    const sessionId = newId();
    await ingest(server.url, makeBatch([...v.load(0, '/lonely'), v.click(500, '#a'), v.mutation(600), v.mutation(5000)], { sessionId }));
    const listed = async () => (await getJson<HeatmapPagesResponse>(server, '/api/heatmaps/pages')).pages.map((page) => page.page);
    expect(await listed()).toContain('/lonely');
    const lonelyLabels = server.db.prepare("SELECT count(*) AS n FROM funnel_labels WHERE text LIKE '%/lonely%'");
    expect(lonelyLabels.get()).toEqual({ n: 1 });
    expect((await send(server, 'DELETE', `/api/sessions/${sessionId}`)).status).toBe(204);
    expect(await listed()).not.toContain('/lonely');
    expect(server.db.prepare("SELECT count(*) AS n FROM heatmap_cells WHERE page_key = '/lonely'").get()).toEqual({ n: 0 });
    expect(lonelyLabels.get()).toEqual({ n: 0 });
  });

  test('answers 404 session_not_found for an unknown session, and for one already deleted', async () => {
    await expectApiError(await send(server, 'DELETE', `/api/sessions/${newId()}`), 404, 'session_not_found');
    await expectApiError(await send(server, 'DELETE', `/api/sessions/${doomed.ids.sessionId}`), 404, 'session_not_found');
  });
});

describe('DELETE /api/users/:userId', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('deletes every session identified with the user and no other', async () => {
    const first = busySession(START, 'shopper-1');
    const second = busySession(START + DAY_MS, 'shopper-1');
    const other = busySession(START + 2 * DAY_MS, 'shopper-2');
    const anonymous = busySession(START + 3 * DAY_MS);
    for (const session of [first, second, other, anonymous]) await ingestSession(server, session);

    const response = await send(server, 'DELETE', '/api/users/shopper-1');
    expect(response.status).toBe(200);
    expect((await response.json()) as UserDeletionResponse).toEqual({ deletedSessions: 2 });
    for (const session of [first, second]) {
      expect(Object.values(rowsOf(server.db, session.ids.sessionId)).every((count) => count === 0)).toBe(true);
    }
    for (const session of [other, anonymous]) {
      expect((await adminFetch(`${server.url}/api/sessions/${session.ids.sessionId}`)).status).toBe(200);
    }
    // Only the remaining two sessions' clicks are left: four each on /product/:id.
    expect((await getJson<HeatmapResponse>(server, '/api/heatmaps?page=/product/:id')).total).toBe(8);

    const again = await send(server, 'DELETE', '/api/users/shopper-1');
    expect((await again.json()) as UserDeletionResponse).toEqual({ deletedSessions: 0 });
  });
});

describe('retention: PUT /api/settings/retention and the sweeper', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('keeps sessions forever by default and stores a period in days', async () => {
    expect(await getJson<RetentionResponse>(server, '/api/settings/retention')).toEqual({ days: null });
    const response = await send(server, 'PUT', '/api/settings/retention', { days: 30 });
    expect((await response.json()) as RetentionResponse).toEqual({ days: 30 });
    expect(await getJson<RetentionResponse>(server, '/api/settings/retention?project=demo')).toEqual({ days: 30 });
  });

  test.each([{ days: 0 }, { days: -1 }, { days: 3651 }, { days: 1.5 }, { days: '30' }, {}, { days: 30, extra: 1 }])(
    'refuses %j with 400 invalid_body',
    async (body) => {
      await expectApiError(await send(server, 'PUT', '/api/settings/retention', body), 400, 'invalid_body');
    },
  );

  test('answers 404 unknown_project for a project that does not exist', async () => {
    await expectApiError(await send(server, 'PUT', '/api/settings/retention?project=nope', { days: 5 }), 404, 'unknown_project');
    await expectApiError(await adminFetch(`${server.url}/api/settings/retention?project=nope`), 404, 'unknown_project');
  });

  test('the sweep deletes only sessions that ended before the period, and logs it', async () => {
    const now = START + 100 * DAY_MS;
    const expired = [busySession(now - 45 * DAY_MS), busySession(now - 31 * DAY_MS)];
    const fresh = busySession(now - 29 * DAY_MS);
    for (const session of [...expired, fresh]) await ingestSession(server, session);

    await send(server, 'PUT', '/api/settings/retention', { days: null });
    expect(await sweepExpiredSessions(server.store, now)).toEqual({ deleted: {} });

    await send(server, 'PUT', '/api/settings/retention', { days: 30 });
    expect(await sweepExpiredSessions(server.store, now)).toEqual({ deleted: { demo: 2 } });
    for (const session of expired) {
      await expectApiError(await adminFetch(`${server.url}/api/sessions/${session.ids.sessionId}`), 404, 'session_not_found');
      expect(Object.values(rowsOf(server.db, session.ids.sessionId)).every((count) => count === 0)).toBe(true);
    }
    expect((await adminFetch(`${server.url}/api/sessions/${fresh.ids.sessionId}`)).status).toBe(200);
    expect((await getJson<HeatmapResponse>(server, '/api/heatmaps?page=/product/:id')).total).toBe(4);

    const { deletions } = await getJson<DeletionLogResponse>(server, '/api/deletions');
    expect(deletions[0]).toMatchObject({ kind: 'retention', subject: 'demo', sessions: 2, detail: 'ended more than 30 days ago' });
    // A second sweep finds nothing and logs nothing.
    expect(await sweepExpiredSessions(server.store, now)).toEqual({ deleted: {} });
    expect((await getJson<DeletionLogResponse>(server, '/api/deletions')).deletions).toHaveLength(deletions.length);
  });
});

describe('GET /api/deletions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('lists session and user deletions newest first, and pages', async () => {
    const one = busySession(START);
    const two = busySession(START + DAY_MS, 'shopper-9');
    for (const session of [one, two]) await ingestSession(server, session);
    const before = Date.now();
    await send(server, 'DELETE', `/api/sessions/${one.ids.sessionId}`);
    await send(server, 'DELETE', '/api/users/shopper-9');
    // Deleting what is not there changes nothing, so it is not logged.
    await send(server, 'DELETE', '/api/users/nobody');

    const { deletions } = await getJson<DeletionLogResponse>(server, '/api/deletions');
    // Whom each was about is kept only as the id's HMAC-SHA256 under the installation's key.
    const hashed = (subject: string) => subjectHash(readSubjectKey(server.db), subject);
    expect(deletions.map(({ kind, subject, sessions, detail }) => ({ kind, subject, sessions, detail }))).toEqual([
      { kind: 'user', subject: hashed('shopper-9'), sessions: 1, detail: '' },
      { kind: 'session', subject: hashed(one.ids.sessionId), sessions: 1, detail: '' },
    ]);
    expect(hashed('shopper-9')).toMatch(/^[0-9a-f]{64}$/);
    expect(deletions.every((entry) => entry.at >= before && entry.at <= Date.now())).toBe(true);
    expect((await getJson<DeletionLogResponse>(server, '/api/deletions?limit=1&offset=1')).deletions).toEqual([deletions[1]]);
    await expectApiError(await adminFetch(`${server.url}/api/deletions?limit=0`), 400, 'invalid_query');
  });

  test('keeps no erased id in clear, and answers whether an id was erased when asked with it', async () => {
    const session = busySession(START + 2 * DAY_MS, 'shopper-77');
    await ingestSession(server, session);
    await send(server, 'DELETE', '/api/users/shopper-77');
    const table = JSON.stringify(server.db.prepare('SELECT * FROM deletion_log').all());
    expect(table).not.toContain('shopper-77');
    expect(table).not.toContain(session.ids.sessionId);

    const asked = async (subject: string) =>
      (await getJson<DeletionLogResponse>(server, `/api/deletions?subject=${encodeURIComponent(subject)}`)).deletions.map((entry) => entry.kind);
    expect(await asked('shopper-77')).toEqual(['user']);
    expect(await asked('shopper-9')).toEqual(['user']);
    expect(await asked('nobody')).toEqual([]);
    // The hash itself is not an id: asking with it finds nothing.
    expect(await asked(subjectHash(readSubjectKey(server.db), 'shopper-77'))).toEqual([]);
  });
});

describe('GET /api/sessions/:id/export', () => {
  let server: TestServer;
  beforeAll(async () => {
    // A small page size, so the export is stitched from several events pages.
    server = await startTestServer({ eventsPageSize: 2 });
  });
  afterAll(() => server.close());

  test('sends each window’s events as ingested, in recorded order, as an attachment', async () => {
    const session = busySession(START);
    await ingestSession(server, session);
    const response = await adminFetch(`${server.url}/api/sessions/${session.ids.sessionId}/export`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="sightline-session-${session.ids.sessionId}.json"`);
    const body = (await response.json()) as SessionExport;
    expect(body.session.id).toBe(session.ids.sessionId);
    expect(Object.keys(body.windows)).toEqual([session.ids.windowId, session.ids.secondWindow]);
    for (const windowId of Object.keys(body.windows)) {
      const sent = session.batches.filter((batch) => batch.windowId === windowId).flatMap((batch) => batch.events);
      expect(body.windows[windowId]).toEqual(sent);
    }
  });

  test('answers 404 session_not_found for an unknown session', async () => {
    await expectApiError(await adminFetch(`${server.url}/api/sessions/${newId()}/export`), 404, 'session_not_found');
  });
});
