import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createSqliteAccessStore } from '../../../../server/storage/access-store.ts';
import { openDatabase } from '../../../../server/storage/db.ts';
import { migrations } from '../../../../server/storage/migrations.ts';

/** The version before roles: the last migration that shipped without the manage token. */
const BEFORE_ROLES = migrations.findIndex((sql) => sql.includes('manage_token_hash'));

describe('storage | the roles migration', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  /** An install before roles: a project with a viewer token, signed in with it and with the admin token. */
  function oldDatabase(): string {
    const folder = mkdtempSync(join(tmpdir(), 'sightline-roles-'));
    folders.push(folder);
    const path = join(folder, 'old.db');
    const db = new BetterSqlite3(path);
    for (const sql of migrations.slice(0, BEFORE_ROLES)) db.exec(sql);
    db.pragma(`user_version = ${BEFORE_ROLES}`);
    db.exec(`
      INSERT INTO projects (key, name, created_at, viewer_token_hash) VALUES ('shop', 'Shop', 1, 'old-token-hash');
      INSERT INTO login_sessions (id_hash, created_at, expires_at, project_id)
      VALUES ('viewer-sign-in', 1, 9999999999999, (SELECT id FROM projects WHERE key = 'shop')),
        ('admin-sign-in', 1, 9999999999999, NULL);
    `);
    db.close();
    return path;
  }

  test('an existing viewer token and its sign-ins become read-only; the admin’s sign-in stays the admin’s', async () => {
    expect(BEFORE_ROLES).toBeGreaterThan(0);
    const db = openDatabase(oldDatabase());
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    const store = createSqliteAccessStore(db);
    const found = await store.findProjectByToken('old-token-hash');
    expect({ key: found?.project.key, role: found?.role, tokenRoles: found?.project.tokenRoles }).toEqual({
      key: 'shop',
      role: 'read',
      tokenRoles: ['read'],
    });
    const shopId = found!.project.id;
    expect(await store.findLoginSession('viewer-sign-in', 2)).toEqual({ owner: { projectId: shopId, role: 'read' } });
    expect(await store.findLoginSession('admin-sign-in', 2)).toEqual({ owner: null });
    expect(() => db.prepare("UPDATE login_sessions SET role = 'owner'").run()).toThrow(/CHECK constraint/);
    db.close();
  });
});
