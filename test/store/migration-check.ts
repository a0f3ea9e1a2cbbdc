import assert from 'node:assert/strict'
import { migrations } from '../../src/store/migrations/index.ts'
import { migrate } from '../../src/store/migrations/migrate.ts'
import type { SqlDatabase } from '../../src/store/sql/driver.ts'
import { countingDatabase } from './counting-database.ts'

/**
 * Issue #14: a start on an up-to-date database reads schema_migrations once, outside any transaction, and takes
 * the locked transaction only when a migration is missing. `database` is fresh: the first call applies them all.
 */
export async function upToDateIsOneRead(database: SqlDatabase): Promise<void> {
  assert.equal((await migrate(database)).length, migrations.length)

  let transactions = 0
  const counting = (db: SqlDatabase): SqlDatabase => ({
    ...db,
    exclusiveTransaction: (work) => {
      transactions++
      return database.exclusiveTransaction(work)
    },
  })
  const counted = countingDatabase(database)
  assert.deepEqual(await migrate(counting(counted.database)), [])
  assert.equal(counted.statements(), 1)
  assert.equal(transactions, 0)

  // One migration not recorded, as the read outside the lock sees it: the locked transaction decides.
  const last = migrations.at(-1)?.name
  const behind: SqlDatabase = {
    ...database,
    all: async <Row>(sql: string, params?: Parameters<SqlDatabase['all']>[1]) =>
      (await database.all<Row>(sql, params)).filter((row) => (row as { name?: string }).name !== last),
  }
  assert.deepEqual(await migrate(counting(behind)), [])
  assert.equal(transactions, 1)
}
