/**
 * Why a database file could not be opened, in words an operator can act on. SQLite's own messages ("unable to open
 * database file") name neither the path nor the cause, so the cause is read back from the file system here.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Thrown by openDatabase: `reason` completes a sentence whose subject is the path ("… is a folder, not a database file"). */
export class DatabaseOpenError extends Error {
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`${path} ${reason}`, options);
    this.name = 'DatabaseOpenError';
    this.path = path;
    this.reason = reason;
  }
}

/** The nearest part of `path` that exists (itself included), or null when none does. */
function nearestExisting(path: string): { path: string; isDirectory: boolean } | null {
  for (let at = path; ; at = dirname(at)) {
    try {
      return { path: at, isDirectory: statSync(at).isDirectory() };
    } catch {
      if (dirname(at) === at) return null;
    }
  }
}

function allowed(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

const whoAmI = () => (typeof process.getuid === 'function' ? `user ${process.getuid()}` : 'this user');

/** Why the database's folder could not be created, from mkdir's error code. */
export function folderFailure(folder: string, code: string | undefined): string {
  const blocker = nearestExisting(folder);
  if (blocker && !blocker.isDirectory) return `needs a folder that cannot be created: ${blocker.path} is a file, not a folder`;
  if (code === 'EACCES' || code === 'EPERM') {
    return `needs a folder that cannot be created: ${whoAmI()} may not create folders in ${blocker?.path ?? dirname(folder)}`;
  }
  if (code === 'EROFS') return `needs a folder that cannot be created: ${folder} is on a read-only file system`;
  return `needs a folder that cannot be created: ${folder} (${code ?? 'unknown error'})`;
}

/** Why the file at `path` (whose folder exists) could not be opened or migrated, from SQLite's or Node's error. */
export function fileFailure(path: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const folder = dirname(path);
  const found = nearestExisting(path);
  const exists = found?.path === path;
  if (exists && found.isDirectory) return `is a folder, not a database file; point it at a file such as ${join(path, 'sightline.db')}`;
  // Permissions first: SQLite reports them as CANTOPEN or one of its READONLY codes, which say less.
  if (!exists && !allowed(folder, constants.W_OK)) return `cannot be created: ${whoAmI()} may not create files in ${folder}`;
  if (exists && !allowed(path, constants.R_OK)) return `cannot be opened: ${whoAmI()} may not read it`;
  if (exists && !allowed(path, constants.W_OK)) return `is read-only for ${whoAmI()}; Sightline must write it`;
  const errorCode = typeof code === 'string' ? code : '';
  // WAL mode creates -wal and -shm files beside the database, so its folder must be writable too.
  if (errorCode.startsWith('SQLITE_READONLY')) {
    return `cannot be written: Sightline must create files beside it in ${folder}, which ${whoAmI()} may not write`;
  }
  switch (errorCode) {
    case 'SQLITE_NOTADB':
      return 'is not a SQLite database; point it at a Sightline database or at a file that does not exist yet';
    case 'SQLITE_CORRUPT':
      return 'is damaged (SQLite reports a malformed database); restore it from a backup';
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return 'is locked by another process';
    default:
      return `cannot be opened: ${error instanceof Error ? error.message : String(error)}`;
  }
}
