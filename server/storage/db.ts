import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { registerSubjectFunctions } from './deletion-subject.ts';
import { migrations } from './migrations.ts';

export type Database = BetterSqlite3.Database;

/** Opens (creating if needed) a Sightline database and brings its schema up to date. */
export function openDatabase(path: string): Database {
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new BetterSqlite3(path);
  // WAL lets the read API run while ingest writes.
  if (!inMemory) db.pragma('journal_mode = WAL');
  // FULL syncs the WAL at every commit, so an acknowledged batch survives power loss and OS crashes, not only a crash of
  // the process (NORMAL's promise); group commit (group-commit.ts) shares each sync between the batches of a turn.
  db.pragma('synchronous = FULL');
  // Deleted rows are overwritten with zeros, in the pages they leave and in the pages freed (see erasure.ts).
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  registerSubjectFunctions(db);
  migrate(db);
  return db;
}

function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`Database schema version ${current} is newer than this Sightline (${migrations.length})`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
