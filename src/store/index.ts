import type { Stores } from '../core/ports/stores.ts'
import { migrate } from './migrations/migrate.ts'
import { openPostgresDatabase } from './postgres/driver.ts'
import type { SqlDatabase } from './sql/driver.ts'
import { createStores } from './sql/stores.ts'
import { openSqliteDatabase } from './sqlite/driver.ts'

/**
 * Opens the database named by `databaseUrl`, brings its schema up to date and returns the stores over it.
 * Accepts `sqlite::memory:`, `sqlite:<path>` (absolute or relative to the working directory) and
 * `postgres://...` or `postgresql://...`.
 */
export async function openStores(databaseUrl: string): Promise<Stores> {
  const database = openDatabase(databaseUrl)
  try {
    await migrate(database)
  } catch (error) {
    await database.close()
    throw error
  }
  return createStores(database)
}

/** Applies pending migrations (`keyward migrate`) and returns the names of those it applied. */
export async function migrateDatabase(databaseUrl: string): Promise<readonly string[]> {
  const database = openDatabase(databaseUrl)
  try {
    return await migrate(database)
  } finally {
    await database.close()
  }
}

function openDatabase(databaseUrl: string): SqlDatabase {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length)
    if (path === '')
      throw new Error('The database URL "sqlite:" names no file: use sqlite:<path> or sqlite::memory:.')
    return openSqliteDatabase(path)
  }
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    return openPostgresDatabase(databaseUrl)
  }
  // Only the scheme is echoed: the rest of a URL may hold a password.
  const scheme = databaseUrl.split(':')[0]
  throw new Error(
    `Unsupported database URL scheme "${scheme}:": use sqlite::memory:, sqlite:<path>, postgres://... or postgresql://...`,
  )
}
