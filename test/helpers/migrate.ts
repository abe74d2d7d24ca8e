/**
 * A database brought up to one schema version and no further, for a test of the migration that makes that version:
 * later migrations (migration 21 derives everything again from the stored chunks) would change what it looks at.
 */
import BetterSqlite3 from 'better-sqlite3';
import { registerCheckoutFunctions } from '../../server/storage/checkout-days.ts';
import { registerSubjectFunctions } from '../../server/storage/deletion-subject.ts';
import { migrations } from '../../server/storage/migrations.ts';

export function migrateThrough(path: string, version: number): BetterSqlite3.Database {
  const db = new BetterSqlite3(path);
  registerSubjectFunctions(db);
  registerCheckoutFunctions(db);
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let next = current; next < version; next++) {
    db.transaction(() => {
      db.exec(migrations[next]!);
      db.pragma(`user_version = ${next + 1}`);
    })();
  }
  return db;
}
