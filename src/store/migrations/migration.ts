/** One step of the schema: statements both SQLite and PostgreSQL accept, applied once, in order, in one transaction. */
export interface Migration {
  /** Sorts in the order the migrations apply, e.g. '002-device-codes'; recorded in schema_migrations. */
  readonly name: string
  readonly statements: readonly string[]
}
