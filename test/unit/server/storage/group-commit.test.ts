import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createGroupCommit } from '../../../../server/storage/group-commit.ts';

describe('storage | group commit', () => {
  let db: BetterSqlite3.Database;
  beforeEach(() => {
    db = new BetterSqlite3(':memory:');
    db.exec('CREATE TABLE rows (name TEXT PRIMARY KEY)');
  });
  afterEach(() => db.close());

  const names = () => db.prepare('SELECT name FROM rows ORDER BY name').pluck().all();
  const insert = (name: string) => () => db.prepare('INSERT INTO rows (name) VALUES (?)').run(name).changes;

  test('runs the writes queued in one turn in one transaction, in order, and settles each after the commit', async () => {
    const group = createGroupCommit(db);
    const transactions: boolean[] = [];
    const seen = (name: string) => () => {
      transactions.push(db.inTransaction);
      return insert(name)();
    };
    const settled = [group.run(seen('a')), group.run(seen('b')), group.run(seen('c'))];
    // Nothing runs before the turn ends.
    expect(names()).toEqual([]);
    expect(await Promise.all(settled)).toEqual([1, 1, 1]);
    expect(transactions).toEqual([true, true, true]);
    expect(db.inTransaction).toBe(false);
    expect(names()).toEqual(['a', 'b', 'c']);
  });

  test('rolls back and rejects only the write that threw; the others of its group are stored', async () => {
    const group = createGroupCommit(db);
    const failing = () => {
      insert('half-written')();
      throw new Error('derivation failed');
    };
    const outcomes = await Promise.allSettled([group.run(insert('a')), group.run(failing), group.run(insert('b'))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('derivation failed'));
    expect(names()).toEqual(['a', 'b']);
  });

  test('starts a new group for writes queued after a group committed', async () => {
    const group = createGroupCommit(db);
    await group.run(insert('a'));
    // A duplicate key fails alone, in its own group.
    await expect(group.run(insert('a'))).rejects.toThrow(/UNIQUE/);
    expect(await group.run(insert('b'))).toBe(1);
    expect(names()).toEqual(['a', 'b']);
  });
});
