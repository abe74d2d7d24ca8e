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

  function databasePath(): string {
    const folder = mkdtempSync(join(tmpdir(), 'sightline-asset-mode-'));
    folders.push(folder);
    return join(folder, 'sightline.db');
  }

  /** A database left at schema `version` by an earlier Sightline. */
  function databaseAt(version: number): { path: string; db: BetterSqlite3.Database } {
    const path = databasePath();
    const db = new BetterSqlite3(path);
    registerSubjectFunctions(db);
    for (const sql of migrations.slice(0, version)) db.exec(sql);
    db.pragma(`user_version = ${version}`);
    return { path, db };
  }

  const demoMode = (db: BetterSqlite3.Database) =>
    (db.prepare("SELECT asset_mode FROM projects WHERE key = 'demo'").get() as { asset_mode: string }).asset_mode;

  /** An install from before: the demo project left at block, one shop switched to proxy, one set back to block. */
  function oldDatabase(): string {
    const { path, db } = databaseAt(BEFORE_PUBLIC);
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

  test('a database made from nothing gives its demo project public mode, as a project made today gets', () => {
    const path = databasePath();
    const db = openDatabase(path);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(demoMode(db)).toBe('public');
      // Opening it again migrates nothing and changes nothing a person set since.
      db.prepare("UPDATE projects SET asset_mode = 'block' WHERE key = 'demo'").run();
    } finally {
      db.close();
    }
    const reopened = openDatabase(path);
    try {
      expect(demoMode(reopened)).toBe('block');
    } finally {
      reopened.close();
    }
  });

  test('an in-memory database is made from nothing too', () => {
    const db = openDatabase(':memory:');
    try {
      expect(demoMode(db)).toBe('public');
    } finally {
      db.close();
    }
  });

  // The first schema (demo project, no modes), the one before asset modes, the one that brought them, the last before public.
  test.each([1, 5, 6, BEFORE_PUBLIC])(
    'a database upgraded from schema version %i keeps its demo project on block',
    (version) => {
      const old = databaseAt(version);
      old.db.close();
      const db = openDatabase(old.path);
      try {
        expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
        expect(demoMode(db)).toBe('block');
      } finally {
        db.close();
      }
    },
  );
});
