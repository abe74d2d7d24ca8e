/**
 * The embedded engine: one SQLite file through better-sqlite3, behind the async `Sql` interface the PostgreSQL
 * engine also implements.
 *
 * better-sqlite3 is synchronous, so a transaction whose work awaits (as every table module does) would let any other
 * request's statements run on the same connection in the middle of it and join it. Transactions therefore take an
 * async lock, and so does every write outside one; plain reads go to a second connection, which in WAL mode sees the
 * last committed state, as a reader from a PostgreSQL pool would. An in-memory database has one connection only.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import BetterSqlite3 from 'better-sqlite3';
import type { Database, Params, RunResult, Sql } from './sql.ts';

export interface SqliteOptions {
  /** PRAGMA statements (`name = value`) run on every connection as it opens. Defaults to none. */
  pragmas: readonly string[];
  /** PRAGMAs for the writing connection only (journal mode, durability). Defaults to none. */
  writerPragmas: readonly string[];
}

type Connection = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/** better-sqlite3 binds neither booleans nor undefined. */
function bindable(params: Params | undefined): Record<string, unknown> {
  const bound: Record<string, unknown> = {};
  if (!params) return bound;
  for (const [name, value] of Object.entries(params)) {
    bound[name] = value === undefined ? null : typeof value === 'boolean' ? (value ? 1 : 0) : value;
  }
  return bound;
}

/** A promise chain that runs one holder at a time, in the order they asked. */
function createLock() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const turn = tail.then(work, work);
    tail = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  };
}

class StatementCache {
  readonly #statements = new Map<string, Statement>();
  constructor(readonly connection: Connection) {}

  get(text: string): Statement {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.connection.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }
}

function all<Row>(statement: Statement, params: Params | undefined): Row[] {
  if (!statement.reader) {
    statement.run(bindable(params));
    return [];
  }
  return statement.all(bindable(params)) as Row[];
}

function run(statement: Statement, params: Params | undefined): RunResult {
  // A statement with RETURNING must be stepped through its rows for its effect to happen.
  if (statement.reader) return { changes: statement.all(bindable(params)).length };
  return { changes: statement.run(bindable(params)).changes };
}

export function openSqlite(path: string, options: Partial<SqliteOptions> = {}): Database {
  const { pragmas = [], writerPragmas = [] } = options;
  const inMemory = path === ':memory:' || path === '';
  const open = (extra: readonly string[]): Connection => {
    const connection = new BetterSqlite3(path);
    for (const pragma of [...extra, ...pragmas]) connection.pragma(pragma);
    return connection;
  };
  const writer = new StatementCache(open(writerPragmas));
  // Opened after the writer, which has set WAL mode, so the reader never sees a rollback-journal database.
  const reader = inMemory ? writer : new StatementCache(open(['query_only = ON']));
  const lock = createLock();
  // Which transaction the current async context runs in, so a pool-level write from inside one fails loudly instead
  // of waiting for the lock its own transaction holds.
  const context = new AsyncLocalStorage<object>();
  let savepoints = 0;
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new Error(`The database ${path} is closed`);
  };
  const assertNotNested = (what: string) => {
    if (context.getStore() !== undefined) {
      throw new Error(`${what} on the database from inside a transaction would wait for itself: use the transaction's Sql`);
    }
  };

  /** The Sql of one open transaction (or savepoint); it refuses to be used once that has ended. */
  function transactionSql(): Sql & { end(): void } {
    let ended = false;
    const live = () => {
      if (ended) throw new Error('This transaction has ended; its Sql cannot be used any more');
    };
    const sql: Sql & { end(): void } = {
      dialect: 'sqlite',
      async all<Row>(text: string, params?: Params) {
        live();
        return all<Row>(writer.get(text), params);
      },
      async get<Row>(text: string, params?: Params) {
        live();
        return all<Row>(writer.get(text), params)[0];
      },
      async run(text, params) {
        live();
        return run(writer.get(text), params);
      },
      async transaction(work) {
        live();
        const name = `sp${++savepoints}`;
        writer.connection.exec(`SAVEPOINT ${name}`);
        const inner = transactionSql();
        try {
          const result = await work(inner);
          writer.connection.exec(`RELEASE ${name}`);
          return result;
        } catch (error) {
          writer.connection.exec(`ROLLBACK TO ${name}`);
          writer.connection.exec(`RELEASE ${name}`);
          throw error;
        } finally {
          inner.end();
        }
      },
      end() {
        ended = true;
      },
    };
    return sql;
  }

  const database: Database = {
    dialect: 'sqlite',
    location: path,

    async all<Row>(text: string, params?: Params) {
      assertOpen();
      const statement = writer.get(text);
      if (statement.readonly) return all<Row>(reader.get(text), params);
      assertNotNested('A write');
      return lock(async () => all<Row>(statement, params));
    },

    async get<Row>(text: string, params?: Params) {
      return (await database.all<Row>(text, params))[0];
    },

    async run(text, params) {
      assertOpen();
      const statement = writer.get(text);
      if (statement.readonly) return run(reader.get(text), params);
      assertNotNested('A write');
      return lock(async () => run(statement, params));
    },

    async transaction(work) {
      assertOpen();
      assertNotNested('A new transaction');
      return lock(() =>
        context.run({}, async () => {
          // IMMEDIATE takes the write lock now, so another process's writer makes this wait here (busy_timeout),
          // never fail halfway through.
          writer.connection.exec('BEGIN IMMEDIATE');
          const tx = transactionSql();
          try {
            const result = await work(tx);
            writer.connection.exec('COMMIT');
            return result;
          } catch (error) {
            if (writer.connection.inTransaction) writer.connection.exec('ROLLBACK');
            throw error;
          } finally {
            tx.end();
          }
        }),
      );
    },

    async exec(script) {
      assertOpen();
      assertNotNested('A script');
      await lock(async () => writer.connection.exec(script));
    },

    async close() {
      if (closed) return;
      await lock(async () => {
        closed = true;
        if (reader !== writer) reader.connection.close();
        writer.connection.close();
      });
    },
  };
  return database;
}
