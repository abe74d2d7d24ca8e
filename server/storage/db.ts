import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { registerCheckoutFunctions } from './checkout-days.ts';
import { registerSubjectFunctions } from './deletion-subject.ts';
import { migrations, newDatabaseDefaults } from './migrations.ts';
import { DatabaseOpenError, fileFailure, folderFailure } from './open-failure.ts';

export type Database = BetterSqlite3.Database;
export { DatabaseOpenError } from './open-failure.ts';

/**
 * Opens (creating if needed) a Sightline database and brings its schema up to date. Every failure to do so is a
 * DatabaseOpenError whose reason names the cause (a file where a folder should be, no permission, not a database,
 * a newer schema), so start-up can print one line instead of SQLite's "unable to open database file".
 */
export function openDatabase(path: string): Database {
  const inMemory = path === ':memory:' || path === '';
  if (inMemory) return prepare(new BetterSqlite3(path), false);
  const folder = dirname(path);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new DatabaseOpenError(path, folderFailure(folder, (error as NodeJS.ErrnoException).code), { cause: error });
  }
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(path);
    return prepare(db, true);
  } catch (error) {
    db?.close();
    if (error instanceof DatabaseOpenError) throw error;
    throw new DatabaseOpenError(path, fileFailure(path, error), { cause: error });
  }
}

function prepare(db: Database, onDisk: boolean): Database {
  // Checked before anything writes: a file Sightline cannot use is left exactly as it was.
  const version = schemaVersion(db);
  // WAL lets the read API run while ingest writes.
  if (onDisk) db.pragma('journal_mode = WAL');
  // FULL syncs the WAL at every commit, so an acknowledged batch survives power loss and OS crashes, not only a crash of
  // the process (NORMAL's promise); group commit (group-commit.ts) shares each sync between the batches of a turn.
  db.pragma('synchronous = FULL');
  // Deleted rows are overwritten with zeros, in the pages they leave and in the pages freed (see erasure.ts).
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  registerSubjectFunctions(db);
  registerCheckoutFunctions(db);
  migrate(db, version);
  return db;
}

/** The schema version, after reading the whole schema: SQLite parses it lazily, so a damaged one fails here. */
function schemaVersion(db: Database): number {
  db.prepare('SELECT count(*) FROM sqlite_schema').get();
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new DatabaseOpenError(
      db.name,
      `was written by a newer Sightline (schema version ${version}; this one knows up to ${migrations.length}); ` +
        'upgrade Sightline or point it at another file',
    );
  }
  return version;
}

function migrate(db: Database, current: number): void {
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      // Only a database made in this run: an upgraded one keeps its settings. In the last step, so no crash splits them.
      if (current === 0 && version === migrations.length - 1) db.exec(newDatabaseDefaults);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
