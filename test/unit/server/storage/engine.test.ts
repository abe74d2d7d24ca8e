import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openPostgres, redactUrl, rewriteParameters } from '../../../../server/storage/engine/postgres.ts';
import type { Database, Sql } from '../../../../server/storage/engine/sql.ts';
import { openSqlite } from '../../../../server/storage/engine/sqlite.ts';
import { startTestPostgres, type TestPostgres } from '../../../helpers/postgres.ts';

describe('storage engine | PostgreSQL parameter rewriting', () => {
  test.each([
    ['SELECT * FROM t WHERE a = @a AND b = @b', 'SELECT * FROM t WHERE a = $1 AND b = $2', ['a', 'b']],
    ['SELECT @a, @b, @a', 'SELECT $1, $2, $1', ['a', 'b']],
    ["SELECT '@notAParameter', @real", "SELECT '@notAParameter', $1", ['real']],
    ["SELECT 'it''s @quoted', @x", "SELECT 'it''s @quoted', $1", ['x']],
    ['SELECT "@column" FROM t WHERE x = @x', 'SELECT "@column" FROM t WHERE x = $1', ['x']],
    ['SELECT 1 -- @comment\n, @y', 'SELECT 1 -- @comment\n, $1', ['y']],
    ['SELECT /* @block */ @z::int', 'SELECT /* @block */ $1::int', ['z']],
    ["SELECT data @> '{}' AND @p_1 > 0", "SELECT data @> '{}' AND $1 > 0", ['p_1']],
  ])('%s', (text, expected, names) => {
    expect(rewriteParameters(text)).toEqual({ text: expected, names });
  });

  test('redacts the password of a URL', () => {
    expect(redactUrl('postgres://app:secret@db:5432/sightline')).toBe('postgres://app:***@db:5432/sightline');
    expect(redactUrl('not a url')).not.toContain('not a url');
  });
});

/** The behaviour every engine must share, run once per engine below. */
function engineContract(open: () => Promise<Database>) {
  let db: Database;
  beforeAll(async () => {
    db = await open();
    await db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, flag INTEGER, note TEXT)');
    await db.exec('CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
    await db.run('INSERT INTO counter (id, n) VALUES (1, 0)');
  });
  afterAll(async () => db?.close());

  const count = async (sql: Sql = db) => (await sql.get<{ n: number }>('SELECT count(*) AS n FROM items'))!.n;

  test('runs statements with named parameters, booleans as 1/0 and undefined as null', async () => {
    const inserted = await db.run('INSERT INTO items (id, name, flag, note) VALUES (@id, @name, @flag, @note)', {
      id: 1,
      name: 'lamp',
      flag: true,
      note: undefined,
    });
    expect(inserted.changes).toBe(1);
    expect(await db.get('SELECT id, name, flag, note FROM items WHERE id = @id AND name = @name', { id: 1, name: 'lamp' })).toEqual({
      id: 1,
      name: 'lamp',
      flag: 1,
      note: null,
    });
    // count(*) is int8 on PostgreSQL: it must arrive as a number, not a string.
    expect(await count()).toBe(1);
  });

  test('RETURNING rows come back from all() and count as changes in run()', async () => {
    const rows = await db.all<{ id: number }>("INSERT INTO items (id, name) VALUES (2, 'desk') RETURNING id");
    expect(rows).toEqual([{ id: 2 }]);
    expect((await db.run("UPDATE items SET note = 'x' WHERE id IN (1, 2) RETURNING id")).changes).toBe(2);
  });

  test('refuses a statement missing a named parameter, naming it', async () => {
    await expect(db.get('SELECT * FROM items WHERE id = @id')).rejects.toThrow(/"id"/);
  });

  test('a transaction commits when its work resolves and rolls back when it throws', async () => {
    const before = await count();
    await db.transaction(async (tx) => {
      await tx.run("INSERT INTO items (id, name) VALUES (10, 'kept')");
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO items (id, name) VALUES (11, 'dropped')");
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await count()).toBe(before + 1);
    expect(await db.get('SELECT id FROM items WHERE id = 11')).toBeUndefined();
  });

  test('a nested transaction is a savepoint: its failure leaves the outer work in place', async () => {
    await db.transaction(async (tx) => {
      await tx.run("INSERT INTO items (id, name) VALUES (20, 'outer')");
      await expect(
        tx.transaction(async (inner) => {
          await inner.run("INSERT INTO items (id, name) VALUES (21, 'inner')");
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      await tx.transaction(async (inner) => {
        await inner.run("INSERT INTO items (id, name) VALUES (22, 'inner kept')");
      });
    });
    const ids = await db.all<{ id: number }>('SELECT id FROM items WHERE id BETWEEN 20 AND 29 ORDER BY id');
    expect(ids.map((row) => row.id)).toEqual([20, 22]);
  });

  test("a transaction's Sql refuses to work once the transaction has ended", async () => {
    let leaked: Sql | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.run("INSERT INTO items (id, name) VALUES (30, 'late')")).rejects.toThrow(/ended/);
  });

  test('concurrent transactions that await inside never lose an update', async () => {
    const increments = 20;
    await Promise.all(
      Array.from({ length: increments }, () =>
        db.transaction(async (tx) => {
          // Reading, then waiting on a timer, then writing: interleaving transactions would lose updates here.
          // SQLite serializes them; PostgreSQL's row lock does, taken by FOR UPDATE.
          const { n } = (await tx.get<{ n: number }>(`SELECT n FROM counter WHERE id = 1 ${db.dialect === 'postgres' ? 'FOR UPDATE' : ''}`))!;
          await new Promise((resolve) => setTimeout(resolve, 2));
          await tx.run('UPDATE counter SET n = @n WHERE id = 1', { n: n + 1 });
        }),
      ),
    );
    expect((await db.get<{ n: number }>('SELECT n FROM counter WHERE id = 1'))!.n).toBe(increments);
  });

  return () => db;
}

describe('storage engine | SQLite in memory', () => {
  engineContract(async () => openSqlite(':memory:'));
});

describe('storage engine | SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-engine-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const current = engineContract(async () =>
    openSqlite(join(dir, 'test.db'), { writerPragmas: ['journal_mode = WAL'], pragmas: ['busy_timeout = 5000'] }),
  );

  test('plain reads outside a transaction see only what has been committed', async () => {
    const db = current();
    let seenInside: unknown;
    await db.transaction(async (tx) => {
      await tx.run("INSERT INTO items (id, name) VALUES (100, 'pending')");
      seenInside = await db.get('SELECT id FROM items WHERE id = 100');
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    expect(seenInside).toBeUndefined();
    expect(await db.get('SELECT id FROM items WHERE id = 100')).toEqual({ id: 100 });
  });

  test('a pool-level write from inside a transaction fails at once instead of waiting for itself', async () => {
    const db = current();
    await expect(
      db.transaction(async () => {
        await db.run("INSERT INTO items (id, name) VALUES (101, 'self-deadlock')");
      }),
    ).rejects.toThrow(/inside a transaction/);
    await expect(db.transaction(async () => db.transaction(async () => undefined))).rejects.toThrow(/inside a transaction/);
  });
});

describe('storage engine | PostgreSQL', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres();
  }, 120_000);
  afterAll(async () => server?.stop());
  const current = engineContract(async () => openPostgres(await server.createDatabase(), { poolSize: 4 }));

  test('a transaction that loses a deadlock is run again and both commit', async () => {
    const db = current();
    await db.run("INSERT INTO items (id, name) VALUES (200, 'a'), (201, 'b') ON CONFLICT DO NOTHING");
    let attempts = 0;
    let bothLocked: () => void;
    const firstLocks = new Promise<void>((resolve) => (bothLocked = resolve));
    let locked = 0;
    const lockInOrder = (first: number, second: number) =>
      db.transaction(async (tx) => {
        attempts++;
        await tx.run('UPDATE items SET flag = coalesce(flag, 0) + 1 WHERE id = @id', { id: first });
        if (++locked === 2) bothLocked();
        await firstLocks;
        await tx.run('UPDATE items SET flag = coalesce(flag, 0) + 1 WHERE id = @id', { id: second });
      });
    await Promise.all([lockInOrder(200, 201), lockInOrder(201, 200)]);
    // One of the two was chosen as the deadlock victim and ran a second time.
    expect(attempts).toBe(3);
    // Both transactions' increments landed on both rows, once each.
    expect(await db.all('SELECT flag FROM items WHERE id IN (200, 201) ORDER BY id')).toEqual([{ flag: 2 }, { flag: 2 }]);
  }, 30_000);
});
