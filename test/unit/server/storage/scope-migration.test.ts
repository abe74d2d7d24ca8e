import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../../../server/storage/db.ts';
import { readSubjectKey, subjectHash } from '../../../../server/storage/deletion-subject.ts';
import { migrations } from '../../../../server/storage/migrations.ts';

/** The version before per-project visibility: the last migration that shipped without it. */
const BEFORE_SCOPE = migrations.findIndex((sql) => sql.includes('viewer_token_hash'));

describe('storage | the per-project visibility migration', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  /** A database file as an install before the migration left it, with two projects' rows. */
  function oldDatabase(): string {
    const folder = mkdtempSync(join(tmpdir(), 'sightline-scope-'));
    folders.push(folder);
    const path = join(folder, 'old.db');
    const db = new BetterSqlite3(path);
    for (const sql of migrations.slice(0, BEFORE_SCOPE)) db.exec(sql);
    db.pragma(`user_version = ${BEFORE_SCOPE}`);
    db.exec(`
      INSERT INTO projects (key, name, created_at) VALUES ('second', 'Second shop', 1);
      INSERT INTO heatmap_cells (page_key, kind, span, device, day, selector, anchor, doc_width, cell_x, cell_y,
        project_id, count)
      VALUES ('/p', 'click', 0, 'desktop', 100, '#a', 0, 0, 3, 4, 1, 5), ('/p', 'click', 0, 'desktop', 100, '#a', 0, 0, 3, 4, 2, 7);
      INSERT INTO page_days (page_key, device, day, project_id, views, clicks, moves)
      VALUES ('/p', 'desktop', 100, 1, 2, 5, 0), ('/p', 'desktop', 100, 2, 3, 7, 1);
      INSERT INTO funnels (name, steps, window_ms, created_at) VALUES ('Checkout', '[]', 1000, 1);
      INSERT INTO deletion_log (at, kind, subject, sessions, detail)
      VALUES (1, 'session', 'gone-session', 1, ''), (2, 'retention', 'second', 4, 'ended more than 30 days ago'),
        (3, 'user', 'user-1', 2, '');
      INSERT INTO login_sessions (id_hash, created_at, expires_at) VALUES ('hash', 1, 9999999999999);
    `);
    db.close();
    return path;
  }

  test('keeps every row, gives funnels and log lines an owner, and keeps old sign-ins the admin’s', () => {
    const path = oldDatabase();
    // The heatmap tables as this migration leaves them: migration 14 later rebuilds them from the stored chunks.
    const raw = new BetterSqlite3(path);
    raw.exec(migrations[BEFORE_SCOPE]!);
    raw.pragma(`user_version = ${BEFORE_SCOPE + 1}`);
    expect(raw.prepare('SELECT project_id, count FROM heatmap_cells ORDER BY project_id').all()).toEqual([
      { project_id: 1, count: 5 },
      { project_id: 2, count: 7 },
    ]);
    expect(raw.prepare('SELECT project_id, views, clicks, moves FROM page_days ORDER BY project_id').all()).toEqual([
      { project_id: 1, views: 2, clicks: 5, moves: 0 },
      { project_id: 2, views: 3, clicks: 7, moves: 1 },
    ]);
    raw.close();
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare('SELECT name, project_id FROM funnels').all()).toEqual([{ name: 'Checkout', project_id: 1 }]);
    // A retention line names its project; a deleted session or user has nothing left to say whose it was, and
    // (migration 12) is kept only as its keyed hash.
    const hashed = (subject: string) => subjectHash(readSubjectKey(db), subject);
    expect(db.prepare('SELECT subject, project_id FROM deletion_log ORDER BY id').all()).toEqual([
      { subject: hashed('gone-session'), project_id: 1 },
      { subject: 'second', project_id: 2 },
      { subject: hashed('user-1'), project_id: 1 },
    ]);
    expect(db.prepare('SELECT project_id FROM login_sessions').all()).toEqual([{ project_id: null }]);
    expect(db.prepare('SELECT count(*) FROM projects WHERE viewer_token_hash IS NOT NULL').pluck().get()).toBe(0);
    db.close();
  });

  test('the hot reads seek by project first and stay covering', () => {
    const db = openDatabase(':memory:');
    const plan = (sql: string) => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all().map((row) => (row as { detail: string }).detail).join(' | ');
    // A WITHOUT ROWID table is its own covering index: its primary key holds every column.
    expect(
      plan(`SELECT selector, anchor, doc_width, cell_x, cell_y, count FROM heatmap_cells WHERE project_id = 1
        AND page_key = '/p' AND kind = 'click' AND span = 0 AND device IN ('mobile', 'tablet', 'desktop') AND day BETWEEN 1 AND 9`),
    ).toMatch(/^SEARCH heatmap_cells USING PRIMARY KEY \(project_id=\? AND page_key=\? AND kind=\? AND span=\? AND device=\? AND day>\? AND day<\?\)$/);
    expect(
      plan(`SELECT count(*), avg(viewport_height / doc_height) FROM page_views WHERE project_id = 1 AND page_key = '/p'
        AND device IN ('mobile', 'tablet', 'desktop') AND ts BETWEEN 1 AND 9 AND max_scroll_depth IS NOT NULL`),
    ).toContain('USING COVERING INDEX page_views_page (project_id=? AND page_key=? AND device=? AND ts>? AND ts<?)');
    expect(
      plan(`SELECT id FROM sessions WHERE project_id = 1 AND started_at BETWEEN 1 AND 9 AND device IN ('mobile', 'tablet', 'desktop')`),
    ).toContain('USING COVERING INDEX sessions_started_device (project_id=? AND started_at>? AND started_at<?)');
    expect(plan("SELECT page_key FROM page_days WHERE project_id = 1 AND day BETWEEN 1 AND 9 AND page_key <> ''")).toContain(
      'USING PRIMARY KEY (project_id=?',
    );
    db.close();
  });
});
