import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createSqliteAssetStore } from '../../../../server/storage/asset-store.ts';
import { openDatabase } from '../../../../server/storage/db.ts';
import { migrations } from '../../../../server/storage/migrations.ts';
import { registerSubjectFunctions } from '../../../../server/storage/deletion-subject.ts';

/** The version before assets by default: the last one whose asset_mode knew only block and proxy. */
const BEFORE_PUBLIC = migrations.findIndex((sql) => sql.includes("'public', 'proxy', 'block'"));

describe('storage | the assets-by-default migration', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  /** An install from before: the demo project left at block, one shop switched to proxy, one set back to block. */
  function oldDatabase(): string {
    const folder = mkdtempSync(join(tmpdir(), 'sightline-asset-mode-'));
    folders.push(folder);
    const path = join(folder, 'old.db');
    const db = new BetterSqlite3(path);
    registerSubjectFunctions(db);
    for (const sql of migrations.slice(0, BEFORE_PUBLIC)) db.exec(sql);
    db.pragma(`user_version = ${BEFORE_PUBLIC}`);
    db.exec(`
      INSERT INTO projects (key, name, created_at, asset_mode, asset_origins) VALUES ('proxied', 'Proxied', 1, 'proxy', '["https://cdn.shop.example"]');
      INSERT INTO projects (key, name, created_at, asset_mode) VALUES ('blocked', 'Blocked', 1, 'block');
    `);
    db.close();
    return path;
  }

  test('every existing project keeps its mode and origins; a project made afterwards starts in public mode', async () => {
    expect(BEFORE_PUBLIC).toBeGreaterThan(0);
    const db = openDatabase(oldDatabase());
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      const store = createSqliteAssetStore(db);
      const idOf = (key: string) => (db.prepare('SELECT id FROM projects WHERE key = ?').get(key) as { id: number }).id;
      expect(await store.getAssetPolicy(idOf('demo'))).toMatchObject({ mode: 'block', origins: [] });
      expect(await store.getAssetPolicy(idOf('proxied'))).toMatchObject({ mode: 'proxy', origins: ['https://cdn.shop.example'] });
      expect(await store.getAssetPolicy(idOf('blocked'))).toMatchObject({ mode: 'block' });
      db.prepare("INSERT INTO projects (key, name, created_at) VALUES ('new', 'New', 2)").run();
      expect(await store.getAssetPolicy(idOf('new'))).toMatchObject({ mode: 'public' });
      expect(await store.assetUrlKey()).toMatch(/^[\w-]{43}$/);
      expect(() => db.prepare("UPDATE projects SET asset_mode = 'open'").run()).toThrow(/CHECK constraint/);
    } finally {
      db.close();
    }
  });
});
