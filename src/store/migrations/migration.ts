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
  /**
   * Statements both SQLite and PostgreSQL accept, unless `onlyOn` names one; or, for one change whose DDL has no
   * portable form (SQLite rebuilds a table to drop a constraint), each dialect's own.
   */
  readonly statements: readonly string[] | { readonly [D in Dialect]: readonly string[] }
}

/** What `migration` runs on `dialect`: nothing where `onlyOn` names another. */
export function statementsOn(migration: Migration, dialect: Dialect): readonly string[] {
  if (migration.onlyOn !== undefined && migration.onlyOn !== dialect) return []
  const { statements } = migration
  return 'sqlite' in statements ? statements[dialect] : statements
}
