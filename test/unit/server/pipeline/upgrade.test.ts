/**
 * Upgrading a database written before the pipeline (schema 20): migration 21 deletes what the old ingest derived,
 * queues every stored chunk quietly as a re-derivation of each project, and the consumer then derives exactly what
 * ingesting the same chunks today derives. What a backend sent (server custom events) stays.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { defaultConfig } from '../../../../server/config.ts';
import { createPipeline } from '../../../../server/pipeline/pipeline.ts';
import type { RecordedEvent } from '../../../../contract/protocol.ts';
import { openDatabase } from '../../../../server/storage/db.ts';
import { migrations } from '../../../../server/storage/migrations.ts';
import { createSqliteStore } from '../../../../server/storage/store.ts';
import { visit } from '../../../api/shop-events.ts';
import { dumpDerivedTables } from '../../../helpers/derived-tables.ts';
import { migrateThrough } from '../../../helpers/migrate.ts';

const BEFORE_PIPELINE = migrations.findIndex((sql) => sql.includes('CREATE TABLE derive_queue'));
const v = visit(Date.UTC(2025, 5, 1, 10));
const chunks: Array<{ windowId: string; seq: number; events: RecordedEvent[] }> = [
  { windowId: 'w1', seq: 0, events: [...v.load(0, '/product/7'), v.click(1000, '#promo'), v.click(1200, '#promo')] },
  { windowId: 'w1', seq: 1, events: [v.click(1400, '#promo'), v.click(1600, '#promo'), v.move(2000, 10, 20), v.field(2500, 'focus', '#email')] },
  { windowId: 'w2', seq: 0, events: [...v.load(5000, '/cart'), v.track(5100, 'add_to_cart')] },
];
const span = (events: RecordedEvent[]) => ({ first: events[0]!.timestamp, last: events.at(-1)!.timestamp });

describe('storage | upgrading to the pipeline (migration 21)', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  /** A schema-20 file with the chunks stored, stale derived rows beside them, and a backend's purchase. */
  function oldDatabase(): string {
    const folder = mkdtempSync(join(tmpdir(), 'sightline-upgrade-'));
    folders.push(folder);
    const path = join(folder, 'old.db');
    const db = migrateThrough(path, BEFORE_PIPELINE);
    const all = chunks.flatMap((chunk) => chunk.events);
    db.prepare(`INSERT INTO sessions (id, project_id, started_at, ended_at, event_count, last_input_ts, created_at, updated_at, click_count)
      VALUES ('s1', 1, ?, ?, ?, 123, 0, 0, 99)`).run(span(all).first, Math.max(...all.map((event) => event.timestamp)), all.length);
    for (const { windowId, seq, events } of chunks) {
      const json = JSON.stringify(events);
      db.prepare(`INSERT INTO chunks (session_id, window_id, seq, first_ts, last_ts, event_count, raw_bytes, stored_bytes, events_gz, received_at)
        VALUES ('s1', ?, ?, ?, ?, ?, ?, 0, ?, 0)`).run(windowId, seq, span(events).first, span(events).last, events.length, json.length, gzipSync(json));
      db.prepare('INSERT OR IGNORE INTO session_windows (session_id, window_id, first_ts) VALUES (?, ?, ?)').run('s1', windowId, span(events).first);
    }
    db.exec(`
      INSERT INTO page_views (project_id, session_id, window_id, ts, last_ts, url, page_key, device, day, viewport_width, viewport_height)
        VALUES (1, 's1', 'w1', 1, 1, 'https://shop.test/old', '/old', 'desktop', 1, 1, 1);
      INSERT INTO heatmap_cells (project_id, page_key, kind, span, device, day, selector, anchor, doc_width, cell_x, cell_y, count)
        VALUES (1, '/old', 'click', 0, 'desktop', 1, '#x', 0, 0, 1, 1, 42);
      INSERT INTO custom_events (session_id, window_id, ts, tag, name, props, source)
        VALUES ('s1', 'w1', 1, 'sl:track', 'stale', '{}', 'browser'), ('s1', '', 7, 'sl:track', 'purchase', '{"name":"purchase"}', 'server');
    `);
    db.close();
    return path;
  }

  test('queues every chunk quietly, keeps a backend’s events, and derives what ingesting the chunks today derives', async () => {
    const db = openDatabase(oldDatabase());
    expect(db.prepare('SELECT session_id, window_id, seq, quiet FROM derive_queue ORDER BY window_id, seq').all()).toEqual(
      chunks.map(({ windowId, seq }) => ({ session_id: 's1', window_id: windowId, seq, quiet: 1 })),
    );
    expect(db.prepare('SELECT project_id, total_chunks FROM rederive_runs').all()).toEqual([{ project_id: 1, total_chunks: 3 }]);
    expect(db.prepare('SELECT count(*) FROM page_views').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM heatmap_cells').pluck().get()).toBe(0);
    expect(db.prepare('SELECT name FROM custom_events').pluck().all()).toEqual(['purchase']);
    expect(db.prepare("SELECT count(*) FROM pragma_table_info('sessions') WHERE name = 'last_input_ts'").pluck().get()).toBe(0);

    const pipeline = createPipeline(db, defaultConfig);
    expect(pipeline.status(1).rederive).toMatchObject({ state: 'running', doneChunks: 0, totalChunks: 3 });
    await pipeline.consumer.drain();
    expect(pipeline.status(1).rederive).toEqual({ state: 'idle' });
    const upgraded = dumpDerivedTables(db);
    db.close();

    const fresh = openDatabase(':memory:');
    const store = createSqliteStore(fresh);
    for (const { windowId, seq, events } of chunks) {
      const { first, last } = span(events);
      await store.appendChunk({ projectId: 1, sessionId: 's1', windowId, seq, events, firstTs: first, lastTs: last, browser: 'Other', browserVersion: '', os: 'Other', osVersion: '', receivedAt: 0 });
    }
    // The backend's purchase, as it would have attached when the session's first batch arrived.
    fresh.exec(`INSERT INTO custom_events (session_id, window_id, ts, tag, name, props, source)
      VALUES ('s1', '', 7, 'sl:track', 'purchase', '{"name":"purchase"}', 'server')`);
    await createPipeline(fresh, defaultConfig).consumer.drain();
    const expected = dumpDerivedTables(fresh);
    fresh.close();

    expect((upgraded.signals as unknown[]).length).toBeGreaterThan(0);
    expect((upgraded.heatmap_cells as unknown[]).length).toBeGreaterThan(0);
    expect((upgraded.funnel_timelines as Array<{ entries: unknown[] }>)[0]!.entries).toContainEqual([7, '1:purchase']);
    for (const table of Object.keys(expected)) expect(upgraded[table], table).toEqual(expected[table]);
  });
});
