/**
 * Start-up, run as `npm start` runs it (server/main.ts in its own process): a start that cannot listen does not use up
 * the one-time admin token, and every bad setting, above all a bad SIGHTLINE_DB, ends in one line naming the
 * variable and exit code 1, never a stack trace. The permission cases run as `nobody` when the tests run as root,
 * since root may write anywhere.
 */
import BetterSqlite3 from 'better-sqlite3';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { openDatabase } from '../../server/storage/db.ts';
import { migrations } from '../../server/storage/migrations.ts';
import { runChildServerToExit, startChildServer, type RunAs } from '../helpers/child-server.ts';

const root = mkdtempSync(join(tmpdir(), 'sightline-start-up-'));
// Readable by `nobody`, who runs the permission cases; each case's own files decide what it may do.
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Tests running as root take `nobody`'s uid for the permission cases; others are already unprivileged. */
const asUnprivileged: RunAs | undefined = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
/** No SIGHTLINE_ADMIN_TOKEN, so the server generates and prints its own as on a first `npm start`. */
const generatedToken = { SIGHTLINE_ADMIN_TOKEN: '' };
const TOKEN_LINE = /Admin token \(shown once\): (\S+)/;

let caseNumber = 0;
/** A fresh folder for one case. */
function caseFolder(mode = 0o755): string {
  const folder = join(root, `case-${++caseNumber}`);
  mkdirSync(folder);
  chmodSync(folder, mode);
  return folder;
}

function busyPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => resolve({ port: (server.address() as { port: number }).port, server }));
  });
}

async function signsIn(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return response.status;
}

describe('start-up | the one-time admin token', () => {
  test('a start that finds its port busy generates no token, so the next start shows one that signs in', { timeout: 90_000 }, async () => {
    const dbPath = join(caseFolder(), 'sightline.db');
    const blocker = await busyPort();
    const failed = await runChildServerToExit({ dbPath, port: blocker.port, env: generatedToken });
    blocker.server.close();
    expect(failed.code).toBe(1);
    expect(failed.output.trim()).toBe(
      `Sightline could not start: PORT=${blocker.port} is already in use (another Sightline or another program listens there); stop it or set PORT to a free port`,
    );
    expect(failed.output).not.toMatch(/Admin token/);

    const first = await startChildServer({ dbPath, env: generatedToken });
    try {
      const token = TOKEN_LINE.exec(first.output())?.[1];
      expect(token, first.output()).toBeDefined();
      expect(await signsIn(first.url, token!)).toBe(200);
      expect(await signsIn(first.url, `${token}x`)).toBe(401);
    } finally {
      await first.kill();
    }

    // Shown once: a restart prints none, and the token printed before still signs in.
    const token = TOKEN_LINE.exec(first.output())![1];
    const again = await startChildServer({ dbPath, env: generatedToken });
    try {
      expect(again.output()).not.toMatch(/Admin token/);
      expect(await signsIn(again.url, token)).toBe(200);
    } finally {
      await again.kill();
    }
  });
});

/** A real Sightline database with some rows, to damage or to mark newer. */
function realDatabase(path: string, version = migrations.length): void {
  openDatabase(path).close();
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = DELETE');
  db.exec(
    'CREATE TABLE filler (data BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO filler SELECT randomblob(1000) FROM n',
  );
  db.pragma(`user_version = ${version}`);
  db.close();
}

interface BadPath {
  name: string;
  /** Makes the bad location in a fresh folder and returns the SIGHTLINE_DB value. */
  make: (folder: string) => string;
  reason: RegExp;
  /** Needs an unprivileged user (permission cases). */
  unprivileged?: boolean;
}

const badPaths: BadPath[] = [
  {
    name: 'a file where its folder should be (ENOTDIR)',
    make: (folder) => (writeFileSync(join(folder, 'data'), 'notes'), join(folder, 'data', 'db', 'sightline.db')),
    reason: /needs a folder that cannot be created: \S+\/data is a file, not a folder$/,
  },
  {
    name: 'a file as its folder',
    make: (folder) => (writeFileSync(join(folder, 'data'), 'notes'), join(folder, 'data', 'sightline.db')),
    reason: /needs a folder that cannot be created: \S+\/data is a file, not a folder$/,
  },
  {
    name: 'a missing folder that may not be created (EACCES)',
    make: (folder) => (chmodSync(folder, 0o555), join(folder, 'data', 'sightline.db')),
    reason: /needs a folder that cannot be created: user \d+ may not create folders in \S+case-\d+$/,
    unprivileged: true,
  },
  {
    name: 'a new file in a folder that may not be written',
    make: (folder) => (chmodSync(folder, 0o555), join(folder, 'sightline.db')),
    reason: /cannot be created: user \d+ may not create files in \S+case-\d+$/,
    unprivileged: true,
  },
  {
    name: 'a file without read permission',
    make: (folder) => {
      const path = join(folder, 'sightline.db');
      realDatabase(path);
      chmodSync(path, 0o000);
      return path;
    },
    reason: /cannot be opened: user \d+ may not read it$/,
    unprivileged: true,
  },
  {
    name: 'a read-only file',
    make: (folder) => {
      const path = join(folder, 'sightline.db');
      realDatabase(path);
      chmodSync(path, 0o444);
      return path;
    },
    reason: /is read-only for user \d+; Sightline must write it$/,
    unprivileged: true,
  },
  {
    name: 'a folder',
    make: (folder) => (mkdirSync(join(folder, 'db')), join(folder, 'db')),
    reason: /is a folder, not a database file; point it at a file such as \S+\/db\/sightline\.db$/,
  },
  {
    name: 'a file that is not SQLite',
    make: (folder) => (writeFileSync(join(folder, 'notes.txt'), 'shopping list\n'.repeat(500)), join(folder, 'notes.txt')),
    reason: /is not a SQLite database/,
  },
  {
    name: 'a damaged database',
    make: (folder) => {
      const path = join(folder, 'sightline.db');
      realDatabase(path);
      const bytes = readFileSync(path);
      // The first page (header and the start of the schema) survives; every page after it is overwritten.
      writeFileSync(path, Buffer.concat([bytes.subarray(0, 4096), Buffer.alloc(bytes.length - 4096, 0xab)]));
      return path;
    },
    reason: /is damaged \(SQLite reports a malformed database\); restore it from a backup$/,
  },
  {
    name: 'a database from a newer Sightline',
    make: (folder) => (realDatabase(join(folder, 'sightline.db'), migrations.length + 3), join(folder, 'sightline.db')),
    reason: new RegExp(`was written by a newer Sightline \\(schema version ${migrations.length + 3}; this one knows up to ${migrations.length}\\)`),
  },
];

describe('start-up | a bad SIGHTLINE_DB', () => {
  test.each(badPaths)('$name: one line naming SIGHTLINE_DB and the path, exit code 1', async ({ make, reason, unprivileged }) => {
    const folder = caseFolder();
    const dbPath = make(folder);
    const before = readIfFile(dbPath);
    const run = await runChildServerToExit({ dbPath, runAs: unprivileged ? asUnprivileged : undefined });
    expect(run.code, run.output).toBe(1);
    const lines = run.output.trim().split('\n');
    expect(lines, run.output).toHaveLength(1);
    const prefix = `Sightline could not start: SIGHTLINE_DB=${dbPath} `;
    expect(lines[0].startsWith(prefix), lines[0]).toBe(true);
    expect(lines[0].slice(prefix.length)).toMatch(reason);
    // What was there is left as it was: a wrong path must not cost the data of the file it points at.
    expect(readIfFile(dbPath)).toEqual(before);
  });

  test('another bad variable also gets one line naming it', async () => {
    const run = await runChildServerToExit({ dbPath: join(caseFolder(), 'sightline.db'), env: { SIGHTLINE_PUBLIC_URL: 'ftp://x' } });
    expect(run.code).toBe(1);
    expect(run.output.trim()).toBe(
      'Sightline could not start: SIGHTLINE_PUBLIC_URL must be an http(s) URL such as https://sightline.example.com, got "ftp://x"',
    );
  });
});

function readIfFile(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}
