import type { Dialect } from '../sql/driver.ts'

/** One step of the schema, applied once, in order, in one transaction. */
export interface Migration {
  /** Sorts in the order the migrations apply, e.g. '002-device-codes'; recorded in schema_migrations. */
  readonly name: string
  /**
   * Set only where no portable SQL exists: the statements then run on this dialect alone, and the migration is
   * still recorded on the others, so that every database keeps the one history.
   */
  readonly onlyOn?: Dialect
  /** Statements both SQLite and PostgreSQL accept, unless `onlyOn` names one. */
  readonly statements: readonly string[]
}
