import { type DatabaseSettings, type DatabaseTimeouts, databaseTimeoutDefaults } from '../core/index.ts'
import type { Stores } from '../core/ports/stores.ts'
import { migrate } from './migrations/migrate.ts'
import type { OpenedDatabase } from './sql/driver.ts'
import { publishingStatements } from './sql/statement-channel.ts'
import { createStores } from './sql/stores.ts'

/** The config's `database` section: its timeouts always, the pool size and statement preparation when given. */
type DatabaseOptions = DatabaseTimeouts & Partial<Pick<DatabaseSettings, 'poolSize' | 'preparedStatements'>>

/**
 * Opens the database named by `databaseUrl`, brings its schema up to date and returns the stores over it.
 * Accepts `sqlite::memory:`, `sqlite:<path>` (absolute or relative to the working directory),
 * `postgres://...` or `postgresql://...`, and `memory:` (no database: nothing persists). `options` bound every
 * wait on PostgreSQL and size its pool.
 */
export async function openStores(
  databaseUrl: string,
  options: DatabaseOptions = databaseTimeoutDefaults,
): Promise<Stores> {
  if (databaseUrl === memoryUrl) return (await import('./memory/stores.ts')).createMemoryStores()
  const { database, changes } = await openDatabase(databaseUrl, options)
  try {
    await migrate(database)
  } catch (error) {
    await database.close()
    throw error
  }
  // Migrations are not published: they run once, before the server serves.
  return createStores(publishingStatements(database), changes)
}

/** Applies pending migrations (`keyward migrate`) and returns the names of those it applied. */
export async function migrateDatabase(databaseUrl: string): Promise<readonly string[]> {
  const { database } = await openDatabase(databaseUrl)
  try {
    return await migrate(database)
  } finally {
    await database.close()
  }
}

/**
 * Calls `onChange` whenever another process or node may have changed the signing keys: on PostgreSQL through
 * LISTEN/NOTIFY. A SQLite database serves one node, which needs no telling.
 */
export async function watchSigningKeys(
  databaseUrl: string,
  timeouts: DatabaseTimeouts,
  onChange: () => void,
): Promise<{ close(): Promise<void> }> {
  if (!isPostgres(databaseUrl)) return { close: async () => {} }
  const { listenForChanges } = await import('./postgres/change-listener.ts')
  // The connection that this process's Stores on the same database listen on, if it opened any.
  const listener = listenForChanges(databaseUrl, timeouts)
  listener.watch('signing_keys', onChange)
  return listener
}

const memoryUrl = 'memory:'

const isPostgres = (databaseUrl: string): boolean =>
  databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')

// Each driver is loaded only when its database is used: a SQLite server never loads pg, and the other way round.
async function openDatabase(
  databaseUrl: string,
  options: DatabaseOptions = databaseTimeoutDefaults,
): Promise<OpenedDatabase> {
  if (databaseUrl === memoryUrl) throw new Error('The database URL "memory:" names no database to migrate.')
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length)
    if (path === '')
      throw new Error('The database URL "sqlite:" names no file: use sqlite:<path> or sqlite::memory:.')
    return (await import('./sqlite/driver.ts')).openSqliteDatabase(path)
  }
  if (isPostgres(databaseUrl)) {
    const { openPostgresDatabase } = await import('./postgres/driver.ts')
    return openPostgresDatabase(databaseUrl, options, options.poolSize, options.preparedStatements)
  }
  // Only the scheme is echoed: the rest of a URL may hold a password.
  const scheme = databaseUrl.split(':')[0]
  throw new Error(
    `Unsupported database URL scheme "${scheme}:": use sqlite::memory:, sqlite:<path>, postgres://..., postgresql://... or memory:`,
  )
}
