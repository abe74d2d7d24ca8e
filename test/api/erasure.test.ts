/**
 * Erasure that erases: after DELETE /api/sessions/:id, DELETE /api/users/:id and the retention sweep, none of the
 * deleted recordings' marker strings can be read in the raw bytes of the database file, its WAL or its shared-memory
 * index, in plain text or inside any gzip stream found there. A kept recording's markers stay readable (the scan
 * would see them), and a reader holding an old snapshot only delays the erasure until it lets go.
 */
import BetterSqlite3 from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { sweepExpiredSessions } from '../../server/retention.ts';
import { ERASURE_RETRY_BASE_MS } from '../../server/storage/erasure.ts';
import { closeIdleSessions } from '../../server/webhooks/session-closer.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { makeServerKey, sendEvents } from './server-event-support.ts';
import { ingest, makeBatch, newId } from './support.ts';

const DAY_MS = 86_400_000;
const SHOP = 'https://shop.test';

/** A string found nowhere else: one per recording, so a hit says whose data survived. */
const marker = (name: string) => `${name}-${randomBytes(6).toString('hex')}`;

/**
 * A recording that puts its marker everywhere ingest stores text: the session and user id, a trait, URLs (path and
 * query), the page title, element selectors, a field name, an error message, tracked event names and props, and an
 * image the asset proxy could have cached.
 */
function markedRecording(mark: string, start: number, userId: string): RecordedEvent[] {
  const url = `${SHOP}/account/${mark}?email=${mark}%40mail.test`;
  const image = `${SHOP}/avatars/${mark}.png`;
  const custom = (at: number, tag: string, payload: unknown): RecordedEvent => ({ type: 5, data: { tag, payload }, timestamp: start + at });
  const click = (at: number) =>
    custom(at, 'sl:click', { selector: `#pay-${mark}`, tag: 'button', ox: 0.5, oy: 0.5, x: 100, y: 200, vw: 1280, vh: 800, dw: 1280, dh: 3000 });
  const img = { type: 2, id: 4, tagName: 'img', attributes: { src: image, alt: mark }, childNodes: [] };
  const body = { type: 2, id: 3, tagName: 'body', attributes: {}, childNodes: [img, { type: 3, id: 5, textContent: `Hello ${mark}` }] };
  const html = { type: 2, id: 2, tagName: 'html', attributes: {}, childNodes: [body] };
  return [
    { type: 4, data: { href: url, width: 1280, height: 800 }, timestamp: start },
    { type: 2, data: { node: { type: 0, id: 1, childNodes: [html] }, initialOffset: { left: 0, top: 0 } }, timestamp: start + 1 },
    custom(2, 'sl:page', { url, title: `Account of ${mark}`, referrer: `${SHOP}/from/${mark}` }),
    custom(3, 'sl:identify', { userId, traits: { nickname: mark } }),
    click(1000),
    click(1200),
    click(1400),
    custom(2000, 'sl:field', { action: 'focus', form: `#form-${mark}`, field: `#field-${mark}`, name: `name-${mark}`, kind: 'text' }),
    custom(2500, 'sl:error', { message: `TypeError: ${mark}`, source: `${SHOP}/${mark}.js`, line: 1, column: 1 }),
    custom(3000, 'sl:track', { name: 'add_to_cart', props: { sku: mark, value: 5 } }),
    custom(3100, 'sl:track', { name: `viewed-${mark}`, props: { note: mark } }),
    { type: 3, data: { source: 1, positions: [{ x: 10, y: 20, id: 4, timeOffset: 0 }] }, timestamp: start + 3200 },
    { type: 3, data: { source: 0, texts: [{ id: 5, value: `Bye ${mark}` }], attributes: [], removes: [], adds: [] }, timestamp: start + 9000 },
  ];
}

/** Every file SQLite keeps for the database. */
const databaseFiles = (path: string) => [path, `${path}-wal`, `${path}-shm`].filter((file) => existsSync(file));

/** Bytes of the gzip header zlib writes (no name, comment or extra field) before the deflate stream. */
const GZIP_HEADER_BYTES = 10;

/** The texts of every gzip stream that starts somewhere in the bytes (raw inflate stops at its end, whatever follows). */
function inflatedStreams(bytes: Buffer): string[] {
  const texts: string[] = [];
  for (let at = bytes.indexOf('1f8b08', 0, 'hex'); at >= 0; at = bytes.indexOf('1f8b08', at + 1, 'hex')) {
    try {
      texts.push(inflateRawSync(bytes.subarray(at + GZIP_HEADER_BYTES), { finishFlush: constants.Z_SYNC_FLUSH }).toString('latin1'));
    } catch {
      // Not a whole stream (a chunk split across pages, or bytes that only look like a header).
    }
  }
  return texts;
}

/** The markers readable anywhere on disk, plain or gzipped. */
function readableMarkers(path: string, markers: readonly string[]): string[] {
  const found = new Set<string>();
  for (const file of databaseFiles(path)) {
    const bytes = readFileSync(file);
    const texts = [bytes.toString('latin1'), ...inflatedStreams(bytes)];
    for (const mark of markers) if (texts.some((text) => text.includes(mark))) found.add(mark);
  }
  return [...found];
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('erasure: deleted data leaves no readable bytes on disk', () => {
  let dir: string;
  let dbPath: string;
  let server: TestServer;
  const now = Date.now();
  const marks = { session: marker('gone-session'), user: marker('gone-user'), retention: marker('gone-old'), kept: marker('kept') };
  const ids = {
    session: `s-${marks.session}`,
    userSessions: [`s-${marks.user}-a`, `s-${marks.user}-b`],
    retention: `s-${marks.retention}`,
    kept: `s-${marks.kept}`,
  };

  async function record(sessionId: string, mark: string, start: number, userId: string): Promise<void> {
    const events = markedRecording(mark, start, userId);
    const windowId = newId();
    // Two batches, so the session's pages were written and rewritten in more than one commit.
    await ingest(server.url, makeBatch(events.slice(0, 7), { sessionId, windowId, seq: 0 }));
    await ingest(server.url, makeBatch(events.slice(7), { sessionId, windowId, seq: 1 }));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-erasure-'));
    dbPath = join(dir, 'sightline.db');
    server = await startTestServer({ dbPath });
    // A webhook for rage clicks and abandoned carts, so the outbox holds payloads naming each recording.
    server.db
      .prepare(`INSERT INTO webhooks (project_id, url, events, secret, created_at) VALUES (1, 'https://hooks.example/in', '["rage_click","cart_abandoned"]', 's', ?)`)
      .run(now);
    await record(ids.session, marks.session, now - 60_000, `u-${marks.session}`);
    await record(ids.userSessions[0]!, marks.user, now - 50_000, `u-${marks.user}`);
    await record(ids.userSessions[1]!, marks.user, now - 40_000, `u-${marks.user}`);
    await record(ids.retention, marks.retention, now - 90 * DAY_MS, `u-${marks.retention}`);
    await record(ids.kept, marks.kept, now - 30_000, `u-${marks.kept}`);
    const key = await makeServerKey(server);
    await sendEvents(server, key, {
      events: [
        { id: `order-${marks.user}`, name: 'purchase', userId: `u-${marks.user}`, timestamp: now - 45_000, props: { note: marks.user } },
        { id: `order-${marks.kept}`, name: 'purchase', userId: `u-${marks.kept}`, timestamp: now - 20_000, props: { note: marks.kept } },
      ],
    });
    // Closed as idle: cart_abandoned payloads enter the outbox for every session with a cart.
    await closeIdleSessions(server.store, { idleMs: 0, logRetentionMs: DAY_MS });
    // Each recording's avatar, as the asset proxy caches what a replay asked for.
    for (const mark of Object.values(marks)) {
      server.db
        .prepare("INSERT INTO asset_cache (url, final_url, content_type, bytes, fetched_at, body) VALUES (?, ?, 'image/png', ?, ?, ?)")
        .run(`${SHOP}/avatars/${mark}.png`, `${SHOP}/avatars/${mark}.png`, 40, now, Buffer.from(`PNG of ${mark}`));
    }
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('before: every recording, the outbox and the asset cache hold their markers on disk', () => {
    const outbox = JSON.stringify(server.db.prepare('SELECT type, data, user_id FROM webhook_events').all());
    for (const mark of [marks.session, marks.user, marks.kept]) expect(outbox).toContain(mark);
    expect(readableMarkers(dbPath, Object.values(marks)).sort()).toEqual(Object.values(marks).sort());
  });

  test('a kept recording is readable in a gzip stream on disk: the scan inflates what it finds', () => {
    const streams = databaseFiles(dbPath).flatMap((file) => inflatedStreams(readFileSync(file)));
    expect(streams.some((text) => text.includes(`Bye ${marks.kept}`))).toBe(true);
  });

  test('after deleting a session, a user and expired sessions, none of their markers can be read; the kept one can', async () => {
    expect((await adminFetch(`${server.url}/api/sessions/${ids.session}`, { method: 'DELETE' })).status).toBe(204);
    const user = await adminFetch(`${server.url}/api/users/u-${marks.user}`, { method: 'DELETE' });
    expect(await user.json()).toEqual({ deletedSessions: 2 });
    await adminFetch(`${server.url}/api/settings/retention`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ days: 30 }),
    });
    expect(await sweepExpiredSessions(server.store)).toEqual({ deleted: { demo: 1 } });

    expect(readableMarkers(dbPath, [marks.session, marks.user, marks.retention])).toEqual([]);
    expect(readableMarkers(dbPath, [marks.kept])).toEqual([marks.kept]);
    // The deletion log is on disk too, and names no one in clear.
    expect((await (await adminFetch(`${server.url}/api/deletions`)).json()).deletions).toHaveLength(3);
  });

  test('a reader holding an old snapshot delays the erasure; it completes once the reader lets go', async () => {
    const mark = marker('gone-later');
    const sessionId = `s-${mark}`;
    await record(sessionId, mark, now - 10_000, `u-${mark}`);
    const reader = new BetterSqlite3(dbPath, { readonly: true });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM sessions').get();
      expect((await adminFetch(`${server.url}/api/sessions/${sessionId}`, { method: 'DELETE' })).status).toBe(204);
      // The reader's snapshot still needs the old pages: the WAL keeps them, and the marker is still there.
      expect(readableMarkers(dbPath, [mark])).toEqual([mark]);
      reader.exec('COMMIT');
    } finally {
      reader.close();
    }
    // The first retry comes ERASURE_RETRY_BASE_MS later.
    await waitFor(() => readableMarkers(dbPath, [mark]).length === 0, ERASURE_RETRY_BASE_MS * 10);
    expect(readableMarkers(dbPath, [mark])).toEqual([]);
    expect(readableMarkers(dbPath, [marks.kept])).toEqual([marks.kept]);
  });
});
