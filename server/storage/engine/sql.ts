/**
 * The one interface every table module talks to, whichever engine stands behind it: the embedded SQLite file or a
 * PostgreSQL server. Statements name their parameters `@name`; a module that needs a dialect's own form chooses it
 * with `bySql` beside the other, so both are read in one place.
 */

export type Dialect = 'sqlite' | 'postgres';

/**
 * Named parameters. Values are numbers, strings, Buffers, null, booleans (SQLite stores 1/0) or undefined (null);
 * arrays and objects travel as JSON the caller makes, so each module decides how its JSON is stored.
 */
export type Params = Readonly<Record<string, unknown>>;

export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. */
  changes: number;
}

export interface Sql {
  readonly dialect: Dialect;
  /** Every row of a query. */
  all<Row = Record<string, unknown>>(text: string, params?: Params): Promise<Row[]>;
  /** The first row of a query, or undefined. */
  get<Row = Record<string, unknown>>(text: string, params?: Params): Promise<Row | undefined>;
  /** A statement run for its effect. */
  run(text: string, params?: Params): Promise<RunResult>;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws. Called on a transaction,
   * it opens a savepoint, so one part can fail without the rest. Keep real I/O out of `work`: the transaction holds
   * the write lock (SQLite) or a connection (PostgreSQL) until it ends. PostgreSQL retries `work` from the start on
   * a deadlock or serialization failure, so `work` must not change anything outside the database.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
}

/** An open database: the pool-level Sql plus what only its owner does. */
export interface Database extends Sql {
  /** The file path or the server URL without its password, for messages. */
  readonly location: string;
  /** Runs a script of several statements (migrations), outside any transaction of the caller's. */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/** The statement of the caller's dialect, for the few places where the engines' SQL differs. */
export function bySql<T>(sql: Pick<Sql, 'dialect'>, forms: Record<Dialect, T>): T {
  return forms[sql.dialect];
}

/** Error codes the engines give for a transaction that lost a race and may simply be run again. */
export const RETRYABLE_POSTGRES_CODES: ReadonlySet<string> = new Set(['40P01', '40001']);
