import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { openDatabase } from '../../../../server/storage/db.ts';
import { migrations } from '../../../../server/storage/migrations.ts';

describe('storage | database', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  test('migrates an in-memory database to the latest version and seeds the demo project', () => {
    const db = openDatabase(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare('SELECT key, name FROM projects').all()).toEqual([{ key: 'demo', name: 'Demo store' }]);
    db.close();
  });

  test('creates the parent folder of a database file, uses WAL, and reopens without migrating twice', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sightline-db-'));
    folders.push(folder);
    const path = join(folder, 'nested', 'deeper', 'sightline.db');
    const first = openDatabase(path);
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    // synchronous = FULL is 2: a commit is synced to disk before ingest acknowledges it.
    expect(first.pragma('synchronous', { simple: true })).toBe(2);
    expect(first.pragma('secure_delete', { simple: true })).toBe(1);
    first.prepare("INSERT INTO projects (key, name, created_at) VALUES ('shop-2', 'Second shop', 0)").run();
    first.close();

    const second = openDatabase(path);
    expect(second.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(second.prepare('SELECT key FROM projects ORDER BY id').pluck().all()).toEqual(['demo', 'shop-2']);
    second.close();
  });

  test('refuses a database written by a newer Sightline', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sightline-db-'));
    folders.push(folder);
    const path = join(folder, 'sightline.db');
    const db = openDatabase(path);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openDatabase(path)).toThrow(/newer/);
  });
});
