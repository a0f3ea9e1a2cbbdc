import type { ConnectionUse } from '../../core/ports/stores.ts'
import type { ChangeFeed } from './change-feed.ts'

/** A value bound to a `?` placeholder: text, a number (epoch milliseconds, 0/1, seconds) or null. */
export type SqlValue = string | number | null

/**
 * The little the stores need from a database. SQL uses `?` placeholders and only what both SQLite and
 * PostgreSQL accept; each dialect's differences live in its driver, never in the stores.
 */
export interface SqlDriver {
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>
  get<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>
  run(sql: string, params?: readonly SqlValue[]): Promise<{ readonly changes: number }>
  /**
   * `get(sql, [key])` for a SELECT whose one parameter, `key`, is compared by `= ?` to a unique column that each
   * row carries as `keyColumn`. PostgreSQL's pool answers the lookups of one turn of the event loop that share
   * `sql` with one statement (src/store/postgres/turn-statements.ts).
   */
  lookup<Row>(sql: string, key: string, keyColumn: string): Promise<Row | undefined>
  /**
   * `run(sql, values)` for a single-row `INSERT … VALUES (…)` into a table whose one constraint is a random key (an
   * issued token): PostgreSQL's pool sends the rows of one turn with the same `sql` as multi-row statements, where
   * one row's failure would fail the others (src/store/postgres/turn-statements.ts).
   */
  insertRow(sql: string, values: readonly SqlValue[]): Promise<void>
  /**
   * Whether the claim statement `sql` (src/store/sql/claim-and-insert.ts) returned a row. PostgreSQL's pool sends
   * the claims of one turn with the same `gathered.sql` as one statement over their inputs, a key repeated in the
   * turn in a later one (src/store/postgres/turn-statements.ts); elsewhere `gathered` goes unused.
   */
  claimRow(sql: string, params: readonly SqlValue[], gathered: GatheredClaim): Promise<boolean>
  /**
   * Runs `work` in one transaction against `tx`, committing when it resolves and rolling back when it throws.
   * Called on a transaction's own driver, it runs `work` in that open transaction.
   */
  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>
}

/**
 * A claim as one of many: `sql` takes one parameter, the JSON array of the claims' `input`s, and returns as `n` the
 * ordinal (from 1) of each input that claimed. No two inputs in one statement share a `key` (the claimed row's),
 * so that each either claims its row or finds it claimed by an earlier statement.
 */
export interface GatheredClaim {
  readonly sql: string
  readonly key: string
  readonly input: { readonly [name: string]: unknown }
}

export type Dialect = 'sqlite' | 'postgres'

/** A database connection (or pool) as opened: a driver that can also lock out other processes and close. */
export interface SqlDatabase extends SqlDriver {
  readonly dialect: Dialect
  /** A transaction that no other exclusive transaction on the same database runs alongside, in any process. */
  exclusiveTransaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>
  /** How its connections are used now, and what befell them since it opened (the metrics). */
  connectionUse(): ConnectionUse
  /** Closes the connections, the change feed's included. */
  close(): Promise<void>
}

/** The tables every node caches lookups of, each with the feed of writes to it by other processes and nodes. */
export interface CachedTables {
  readonly clients: ChangeFeed
  readonly resources: ChangeFeed
}

/** What a driver opens: the database, and the feeds of writes to its cached tables by other processes and nodes. */
export interface OpenedDatabase {
  readonly database: SqlDatabase
  readonly changes: CachedTables
}
