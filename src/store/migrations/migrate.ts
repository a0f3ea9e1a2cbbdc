import type { SqlDatabase } from '../sql/driver.ts'
import { migrations } from './index.ts'
import { statementsOn } from './migration.ts'

/**
 * Applies the pending migrations in one exclusive transaction and returns their names. Idempotent, and safe
 * when several processes start at once: the others wait for the lock, then find nothing left to do.
 */
export function migrate(database: SqlDatabase): Promise<readonly string[]> {
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
