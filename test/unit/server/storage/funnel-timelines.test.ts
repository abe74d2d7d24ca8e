import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { matchesPagePattern } from '../../../../server/analytics/page-key.ts';
import { openDatabase, type Database } from '../../../../server/storage/db.ts';
import { createFunnelTimelineQueries } from '../../../../server/storage/funnel-timelines.ts';
import { migrations } from '../../../../server/storage/migrations.ts';
import { EVENT_NAMES, PATHS, pick, randomInt, seededRandom } from '../../../helpers/random-funnels.ts';

const funnelMigration = migrations.findIndex((migration) => migration.includes('CREATE TABLE funnel_timelines'));

/** Rows as ingest writes them, in plain SQL with the columns they had before the funnel migration. */
function writer(db: Database) {
  const session = db.prepare(`
    INSERT INTO sessions (id, project_id, started_at, ended_at, device, created_at, updated_at)
    VALUES (?, 1, ?, ?, ?, 0, 0)`);
  const view = db.prepare(`
    INSERT INTO page_views (project_id, session_id, window_id, ts, last_ts, url, page_key, device, day, viewport_width, viewport_height)
    VALUES (1, ?, 'w', ?, ?, ?, '', 'desktop', 0, 0, 0)`);
  const event = db.prepare("INSERT INTO custom_events (session_id, window_id, ts, tag, name, props) VALUES (?, 'w', ?, ?, ?, 'null')");
  return {
    session: (id: string, startedAt: number, device = 'desktop') => session.run(id, startedAt, startedAt + 60_000, device),
    view: (sessionId: string, ts: number, url: string) => Number(view.run(sessionId, ts, ts, url).lastInsertRowid),
    event: (sessionId: string, ts: number, name: string, tag = 'sl:track') => event.run(sessionId, ts, tag, name),
    rename: (viewId: number, url: string) => db.prepare('UPDATE page_views SET url = ? WHERE id = ?').run(url, viewId),
    move: (id: string, startedAt: number, device: string) =>
      db.prepare('UPDATE sessions SET started_at = ?, device = ? WHERE id = ?').run(startedAt, device, id),
  };
}

/** The timelines with label texts in place of ids (ids depend on insertion order), and the labels with their uses. */
function readBack(db: Database) {
  const labels = new Map(
    db.prepare<[], { id: number; kind: number; text: string }>('SELECT id, kind, text FROM funnel_labels').all().map((label) => [label.id, `${label.kind}:${label.text}`]),
  );
  const rows = db.prepare<[], { session_id: string; project_id: number; started_at: number; device: string; entries: Buffer }>(
    'SELECT session_id, project_id, started_at, device, entries FROM funnel_timelines ORDER BY session_id',
  );
  const timelines = rows.all().map(({ entries, ...row }) => {
    const count = entries.readUInt32BE(0);
    expect(entries.length).toBe(4 + 12 * count);
    const decoded = Array.from({ length: count }, (_, index) => {
      const at = 4 + 12 * index;
      return `${entries.readBigInt64BE(at)} ${labels.get(entries.readUInt32BE(at + 8))}`;
    });
    return { ...row, entries: decoded };
  });
  return { timelines, labels: db.prepare('SELECT kind, text, uses FROM funnel_labels ORDER BY kind, text').all() };
}

/**
 * Random sessions with tied times, other custom events and views named late (after every insert, so that in a
 * migrated database the renaming trigger runs), and a session whose start and device change.
 */
function writeShop(db: Database, random: () => number): void {
  const write = writer(db);
  const renames: Array<() => unknown> = [];
  for (let index = 0; index < 40; index++) {
    const id = `s${index}`;
    const start = 1_700_000_000_000 + randomInt(random, 0, 100) * 1000;
    write.session(id, start);
    for (let entry = randomInt(random, index === 0 ? 1 : 0, 8); entry > 0; entry--) {
      const ts = start + randomInt(random, 0, 10) * 500;
      const choice = random();
      if (choice < 0.5) write.view(id, ts, `https://shop.test${pick(random, PATHS)}`);
      else if (choice < 0.8) write.event(id, ts, pick(random, EVENT_NAMES));
      else if (choice < 0.9) write.event(id, ts, 'ignored', 'sl:identify');
      else {
        const viewId = write.view(id, ts, '');
        const url = `https://shop.test${pick(random, PATHS)}`;
        renames.push(() => write.rename(viewId, url));
      }
    }
  }
  for (const rename of renames) rename();
  // s0 always has entries, so its timeline exists when its session moves.
  write.move('s0', 1_600_000_000_000, 'mobile');
}

describe('storage | funnel timelines', () => {
  test('the migration backfills the same timelines and labels as its triggers keep', () => {
    const backfilled = new BetterSqlite3(':memory:');
    backfilled.pragma('foreign_keys = ON');
    for (const migration of migrations.slice(0, funnelMigration)) backfilled.exec(migration);
    writeShop(backfilled, seededRandom(7));
    backfilled.exec(migrations[funnelMigration]);

    const triggered = openDatabase(':memory:');
    writeShop(triggered, seededRandom(7));

    const expected = readBack(triggered);
    expect(expected.timelines.length).toBeGreaterThan(30);
    expect(expected.timelines.find((timeline) => timeline.session_id === 's0')).toMatchObject({ started_at: 1_600_000_000_000, device: 'mobile' });
    expect(readBack(backfilled)).toEqual(expected);
  });

  test('writes repacked once per chunk leave the same timelines and labels as row by row', () => {
    /** Chunks of random sessions: views, tracked and other events, a view named in a later chunk, empty chunks. */
    const writeChunks = (db: Database, chunk: (sessionId: string, write: () => void) => void) => {
      const write = writer(db);
      const random = seededRandom(11);
      for (let index = 0; index < 30; index++) {
        const id = `s${index}`;
        const start = 1_700_000_000_000 + randomInt(random, 0, 100) * 1000;
        write.session(id, start);
        let unnamed: number | null = null;
        for (let seq = randomInt(random, 1, 4); seq > 0; seq--) {
          chunk(id, () => {
            if (unnamed !== null) write.rename(unnamed, `https://shop.test${pick(random, PATHS)}`);
            unnamed = null;
            for (let entry = randomInt(random, 0, 6); entry > 0; entry--) {
              const ts = start + randomInt(random, 0, 10) * 500;
              const choice = random();
              if (choice < 0.5) write.view(id, ts, `https://shop.test${pick(random, PATHS)}`);
              else if (choice < 0.8) write.event(id, ts, pick(random, EVENT_NAMES));
              else if (choice < 0.9) write.event(id, ts, 'ignored', 'sl:identify');
              else unnamed = write.view(id, ts, '');
            }
          });
        }
      }
    };
    const rowByRow = openDatabase(':memory:');
    writeChunks(rowByRow, (_sessionId, write) => rowByRow.transaction(write)());
    const perChunk = openDatabase(':memory:');
    const timelines = createFunnelTimelineQueries(perChunk);
    writeChunks(perChunk, (sessionId, write) => perChunk.transaction(() => timelines.repackOnceAfter(sessionId, write))());

    const expected = readBack(rowByRow);
    expect(expected.timelines.length).toBeGreaterThan(20);
    expect(readBack(perChunk)).toEqual(expected);
    expect(perChunk.prepare('SELECT count(*) FROM funnel_refresh_deferred').pluck().get()).toBe(0);
  });

  test('entries are in time order, page views before tracked events at equal times, then as stored', () => {
    const db = openDatabase(':memory:');
    const write = writer(db);
    write.session('a', 1000);
    write.event('a', 2000, 'second');
    write.event('a', 2000, 'first-stored-later', 'sl:track');
    write.view('a', 2000, '/page?x=1');
    write.event('a', 1500, 'early');
    write.rename(write.view('a', 1000, ''), '/named-late#top');
    expect(readBack(db).timelines[0].entries).toEqual([
      '1000 0:/named-late#',
      '1500 1:early',
      '2000 0:/page?',
      '2000 1:second',
      '2000 1:first-stored-later',
    ]);
  });

  test('a page label matches a pattern exactly when its whole URL does', () => {
    const db = openDatabase(':memory:');
    const write = writer(db);
    write.session('a', 0);
    const starts = ['', ' ', '\t', 'http://h', 'https://h:8080', 'http://[::1', '//h', 'about:', 'mailto:x', 'data:text/plain,'];
    const paths = ['', '/', '/a', '/a/', '/a/b', 'a', '/a%3Fb', '/p-1', '/a/b/c'];
    const ends = ['', '?', '?x=1', '#', '#f?g', '?q#f', '??', '#/a', '?/b/c', '#?'];
    const urls = starts.flatMap((start) => paths.flatMap((path) => ends.map((end) => `${start}${path}${end}`)));
    const labelOf = db.prepare<[number], string>('SELECT text FROM funnel_entry_sources WHERE kind = 0 AND id = ?').pluck();
    const patterns = ['/', '/a', '/a/*', '/a/**', '/**', '/:x', '/p-*', '/h', '/a/b', 'about:', 'mailto:x', 'data:text/plain,'];
    let compared = 0;
    for (const url of urls.filter((candidate) => candidate !== '')) {
      const label = labelOf.get(write.view('a', 0, url))!;
      expect(url.startsWith(label), url).toBe(true);
      for (const pattern of patterns) {
        expect(matchesPagePattern(label, pattern), `${JSON.stringify(url)} ~ ${pattern}`).toBe(matchesPagePattern(url, pattern));
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(9000);
  });
});
