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
   * Runs `work` in one transaction against `tx`, committing when it resolves and rolling back when it throws.
   * Called on a transaction's own driver, it runs `work` in that open transaction.
   */
  transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>
}

export type Dialect = 'sqlite' | 'postgres'

/**
 * Whether the clients table may have been written through another connection (another process or node) since
 * the previous ask: 'unknown' while the database cannot tell, when no cached client may be trusted.
 */
export type ExternalChange = 'unchanged' | 'changed' | 'unknown'

/** A database connection (or pool) as opened: a driver that can also lock out other processes and close. */
export interface SqlDatabase extends SqlDriver {
  readonly dialect: Dialect
  /** A transaction that no other exclusive transaction on the same database runs alongside, in any process. */
  exclusiveTransaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T>
  /** Asked before every cached client lookup, so it answers without a round trip to the database. */
  clientsChangedElsewhere(): ExternalChange
  close(): Promise<void>
}
