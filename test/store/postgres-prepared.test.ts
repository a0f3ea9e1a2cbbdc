import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import pg from 'pg'
import { databaseTimeoutDefaults } from '../../src/core/config.ts'
import { OAuthError } from '../../src/core/errors.ts'
import type { Stores } from '../../src/core/ports/stores.ts'
import { migrate } from '../../src/store/migrations/migrate.ts'
import { openPostgresDatabase } from '../../src/store/postgres/driver.ts'
import { PREPARED_PER_CONNECTION } from '../../src/store/postgres/statements.ts'
import type { SqlDatabase } from '../../src/store/sql/driver.ts'
import { createStores } from '../../src/store/sql/stores.ts'
import * as make from '../support/fixtures.ts'
import { createPostgresDatabase } from '../support/postgres.ts'

const created: { drop(): Promise<void> }[] = []
after(async () => {
  for (const database of created) await database.drop()
})

/** Migrated stores over a database of their own, on a pool of `poolSize` connections. */
async function opened(
  poolSize: number,
  preparedStatements = true,
): Promise<{ stores: Stores; database: SqlDatabase; url: string }> {
  const scratch = await createPostgresDatabase('prepared')
  created.push(scratch)
  const { database, changes } = openPostgresDatabase(
    scratch.url,
    databaseTimeoutDefaults,
    poolSize,
    preparedStatements,
  )
  await migrate(database)
  return { stores: createStores(database, changes), database, url: scratch.url }
}

/** A change to the schema made by another session, as another node's migration would make it. */
async function alter(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

type Prepared = { statement: string; runs: number }

/** What the connection that runs this holds prepared (with a pool of one: the pool's only connection). */
const preparedOn = (database: SqlDatabase) =>
  database.all<Prepared>(
    `SELECT statement, generic_plans + custom_plans AS runs FROM pg_prepared_statements
      WHERE statement NOT LIKE '%pg_prepared_statements%' ORDER BY statement`,
  )

describe('PostgreSQL prepared statements', { timeout: 60_000 }, () => {
  test('a connection parses each store statement once; transactions and migrations go unnamed', async () => {
    const { stores, database } = await opened(1)
    try {
      const user = make.user()
      await stores.users.create(user)
      for (let i = 0; i < 3; i++) assert.deepEqual(await stores.users.get(user.id), user)
      await stores.transaction(async (tx) => {
        assert.deepEqual(await tx.users.getByUsername(user.username), user)
      })
      const prepared = await preparedOn(database)
      assert.deepEqual(
        prepared.map(({ statement, runs }) => [statement.slice(0, 19), runs]),
        [
          ['INSERT INTO users (', 1],
          ['SELECT * FROM users', 3],
        ],
        'the migration, BEGIN/COMMIT and the transaction left nothing prepared',
      )
      assert.match(prepared[1]?.statement ?? '', /WHERE id = \$1$/)
    } finally {
      await stores.close()
    }
  })

  test('with preparedStatements off (a pooler in transaction mode), nothing is prepared', async () => {
    const { stores, database } = await opened(1, false)
    try {
      const user = make.user()
      await stores.users.create(user)
      for (let i = 0; i < 3; i++) assert.deepEqual(await stores.users.get(user.id), user)
      assert.deepEqual(await preparedOn(database), [])
    } finally {
      await stores.close()
    }
  })

  test(`a connection holds at most ${PREPARED_PER_CONNECTION} statements; texts past that go unnamed`, async () => {
    const { stores, database } = await opened(1)
    try {
      for (let i = 0; i < PREPARED_PER_CONNECTION + 10; i++)
        assert.deepEqual(await database.get('SELECT ? AS n, ' + i + ' AS i', [i]), { n: String(i), i })
      assert.equal((await preparedOn(database)).length, PREPARED_PER_CONNECTION)
    } finally {
      await stores.close()
    }
  })

  test('a SELECT * prepared on every connection reads the same once its table gains a column or changes type', async () => {
    const poolSize = 4
    const { stores, database, url } = await opened(poolSize)
    try {
      const user = make.user()
      await stores.users.create(user)
      const readsRight = async () => {
        const reads = Array.from({ length: 3 * poolSize }, (_, i) =>
          i % 2 === 0 ? stores.users.get(user.id) : stores.users.getByUsername(user.username),
        )
        for (const read of await Promise.all(reads)) assert.deepEqual(read, user)
      }
      // Each of the pool's connections prepares both reads.
      for (let round = 0; round < 3; round++) await readsRight()
      assert.equal(database.connectionUse().open, poolSize)
      for (const change of [
        'ALTER TABLE users ADD COLUMN added_later TEXT',
        'ALTER TABLE users ALTER COLUMN username TYPE VARCHAR(400)',
      ]) {
        const { opened: before } = database.connectionUse()
        await alter(url, change)
        await readsRight()
        await readsRight()
        // A connection found holding a stale plan is replaced, its other statements with it: once each at most.
        assert.ok(database.connectionUse().opened - before <= poolSize, change)
      }
    } finally {
      await stores.close()
    }
  })

  test('a statement whose parameter types changed under it runs again unnamed', async () => {
    const { stores, database, url } = await opened(1)
    try {
      await database.run('CREATE TABLE docs (id TEXT PRIMARY KEY, doc TEXT NOT NULL)')
      const insert = (id: string) => database.run('INSERT INTO docs (id, doc) VALUES (?, ?)', [id, '{"a":1}'])
      const find = () =>
        database.all<{ id: string }>('SELECT id FROM docs WHERE doc = ? ORDER BY id', ['{"a":1}'])
      await insert('before')
      assert.deepEqual(await find(), [{ id: 'before' }])
      // The parameters were inferred as text: now a datatype mismatch (42804) and no jsonb = text operator (42883).
      await alter(url, 'ALTER TABLE docs ALTER COLUMN doc TYPE JSONB USING doc::jsonb')
      await insert('after')
      assert.deepEqual(await find(), [{ id: 'after' }, { id: 'before' }])
    } finally {
      await stores.close()
    }
  })

  test('a transaction reads a table changed since the pool prepared the same statement', async () => {
    const { stores, url } = await opened(1)
    try {
      const user = make.user()
      await stores.users.create(user)
      assert.deepEqual(await stores.users.get(user.id), user)
      await alter(url, 'ALTER TABLE users ADD COLUMN added_later TEXT')
      assert.deepEqual(await stores.transaction((tx) => tx.users.get(user.id)), user)
    } finally {
      await stores.close()
    }
  })

  test('an error of the statement itself still surfaces, from a fresh statement as from a prepared one', async () => {
    const { stores, database, url } = await opened(1)
    try {
      await database.run('CREATE TABLE docs (id TEXT PRIMARY KEY, doc TEXT)')
      const read = () => database.get('SELECT doc FROM docs WHERE id = ?', ['x'])
      assert.equal(await read(), undefined)
      await alter(url, 'ALTER TABLE docs DROP COLUMN doc')
      const missingColumn = (error: unknown) =>
        !(error instanceof OAuthError) && (error as { code?: string }).code === '42703'
      await assert.rejects(read(), missingColumn)
      await assert.rejects(read(), missingColumn)
    } finally {
      await stores.close()
    }
  })
})
