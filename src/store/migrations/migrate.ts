import type { SqlDatabase } from '../sql/driver.ts'
import { migrations } from './index.ts'
import { statementsOn } from './migration.ts'

/**
 * Applies the pending migrations in one exclusive transaction and returns their names. Idempotent, and safe
 * when several processes start at once: the others wait for the lock, then find nothing left to do.
 */
export async function migrate(database: SqlDatabase): Promise<readonly string[]> {
  // Nearly every start has nothing to apply: one read says so, on the path to the first answer, where the
  // transaction takes six round trips on PostgreSQL (begin, timeout, lock, create, read, commit). A migration
  // only ever commits whole, so a set found complete stays complete.
  if (await allApplied(database)) return []
  return database.exclusiveTransaction(async (tx) => {
    await tx.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)',
    )
    const applied = new Set(
      (await tx.all<{ name: string }>('SELECT name FROM schema_migrations')).map((row) => row.name),
    )
    const pending = migrations.filter((migration) => !applied.has(migration.name))
    for (const migration of pending) {
      for (const statement of statementsOn(migration, database.dialect)) await tx.run(statement)
      await tx.run('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)', [
        migration.name,
        Date.now(),
      ])
    }
    return pending.map((migration) => migration.name)
  })
}

/** True when every migration is recorded as applied; false when one is not or the table is not there yet. */
async function allApplied(database: SqlDatabase): Promise<boolean> {
  let rows: readonly { name: string }[]
  try {
    rows = await database.all<{ name: string }>('SELECT name FROM schema_migrations')
  } catch {
    // No table yet, or the database cannot answer: the transaction below creates it, or reports why not.
    return false
  }
  const applied = new Set(rows.map((row) => row.name))
  return migrations.every((migration) => applied.has(migration.name))
}
