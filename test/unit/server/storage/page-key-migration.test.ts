import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { pageKey } from '../../../../server/analytics/page-key.ts';
import { openDatabase } from '../../../../server/storage/db.ts';
import { registerSubjectFunctions } from '../../../../server/storage/deletion-subject.ts';
import { migrations } from '../../../../server/storage/migrations.ts';

/** The version before index files became their directory: the last one that shipped without it. */
const BEFORE = migrations.findIndex((sql) => sql.includes('index_file_keys'));

/** Keys as ingest stored them before, each with the key ingest gives the same page now. */
const STORED_KEYS = [
  '/demo/index.html',
  '/demo',
  '/demo/INDEX.HTM',
  '/blog/index.php',
  '/index.html',
  '/shop/*/index.html',
  '/a//index.html',
  '/demo/index.json',
  '/demo/myindex.html',
  '/index.html/more',
  'about:blank',
  '',
];

describe('storage | the index-file page key migration', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  function oldDatabase(fill: (db: BetterSqlite3.Database) => void): string {
    const folder = mkdtempSync(join(tmpdir(), 'sightline-page-keys-'));
    folders.push(folder);
    const path = join(folder, 'old.db');
    const db = new BetterSqlite3(path);
    registerSubjectFunctions(db);
    for (const sql of migrations.slice(0, BEFORE)) db.exec(sql);
    db.pragma(`user_version = ${BEFORE}`);
    db.exec(`INSERT INTO sessions (id, project_id, started_at, ended_at, created_at, updated_at) VALUES ('s1', 1, 0, 0, 0, 0)`);
    fill(db);
    db.close();
    return path;
  }

  test('gives every stored key the key ingest now names its page with', () => {
    const insertView = `INSERT INTO page_views (project_id, session_id, window_id, ts, last_ts, url, page_key, device, day,
      viewport_width, viewport_height) VALUES (1, 's1', 'w', @ts, @ts, '', @key, 'desktop', 1, 1, 1)`;
    const db = openDatabase(
      oldDatabase((old) => STORED_KEYS.forEach((key, ts) => old.prepare(insertView).run({ key, ts }))),
    );
    const keys = db.prepare('SELECT page_key FROM page_views ORDER BY ts').pluck().all();
    expect(keys).toEqual(STORED_KEYS.map((key) => pageKey(key)));
    expect(keys.slice(0, 2)).toEqual(['/demo', '/demo']);
  });

  test('moves clicks and merges buckets, page counts and move ledgers of /x/index.html into /x', () => {
    const db = openDatabase(
      oldDatabase((old) =>
        old.exec(`
          INSERT INTO clicks (project_id, session_id, window_id, ts, page_key, url, selector, tag, ox, oy, x, y, vw, vh,
            dw, dh, device, day)
          VALUES (1, 's1', 'w', 5, '/demo/index.html', 'https://shop.test/demo/index.html', '#buy', 'button', 0.5,
            0.5, 1, 1, 1, 1, 1, 1, 'mobile', 1);
          INSERT INTO heatmap_cells (project_id, page_key, kind, span, device, day, selector, anchor, doc_width, cell_x,
            cell_y, count)
          VALUES (1, '/demo', 'click', 0, 'desktop', 1, '#buy', 0, 0, 3, 4, 5),
            (1, '/demo/index.html', 'click', 0, 'desktop', 1, '#buy', 0, 0, 3, 4, 2),
            (1, '/demo/index.html', 'click', 0, 'mobile', 1, '#buy', 0, 0, 3, 4, 7),
            (2, '/demo/index.html', 'click', 0, 'desktop', 1, '#buy', 0, 0, 3, 4, 1);
          INSERT INTO page_days (project_id, page_key, device, day, views, clicks, moves)
          VALUES (1, '/demo', 'desktop', 1, 2, 5, 0), (1, '/demo/index.html', 'desktop', 1, 3, 2, 4),
            (1, '/index.html', 'desktop', 1, 1, 0, 0);
          INSERT INTO session_move_cells (session_id, project_id, page_key, device, day, doc_width, cell_x, cell_y, count)
          VALUES ('s1', 1, '/demo', 'desktop', 1, 1440, 1, 1, 2), ('s1', 1, '/demo/index.html', 'desktop', 1, 1440, 1, 1, 4);
        `),
      ),
    );
    expect(db.prepare('SELECT page_key, device FROM clicks').all()).toEqual([{ page_key: '/demo', device: 'mobile' }]);
    expect(db.prepare('SELECT project_id, page_key, device, count FROM heatmap_cells ORDER BY project_id, device').all()).toEqual([
      { project_id: 1, page_key: '/demo', device: 'desktop', count: 7 },
      { project_id: 1, page_key: '/demo', device: 'mobile', count: 7 },
      { project_id: 2, page_key: '/demo', device: 'desktop', count: 1 },
    ]);
    expect(db.prepare('SELECT page_key, views, clicks, moves FROM page_days ORDER BY page_key').all()).toEqual([
      { page_key: '/', views: 1, clicks: 0, moves: 0 },
      { page_key: '/demo', views: 5, clicks: 7, moves: 4 },
    ]);
    expect(db.prepare('SELECT page_key, count FROM session_move_cells').all()).toEqual([{ page_key: '/demo', count: 6 }]);
  });
});
