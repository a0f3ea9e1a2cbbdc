import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { migrateDatabase, openStores } from '../../src/store/index.ts'
import { migrate } from '../../src/store/migrations/migrate.ts'
import { openPostgresDatabase } from '../../src/store/postgres/driver.ts'
import { createStores } from '../../src/store/sql/stores.ts'
import { storeContract } from './contract.ts'

// Each run works in databases of its own, created here and dropped at the end, so nothing is left behind.
const server = 'postgres://postgres@127.0.0.1:5432'
const runId = `keyward_test_${process.pid}_${randomBytes(4).toString('hex')}`
const created: string[] = []

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${server}/postgres` })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres (see DESIGN.md §7 to start it): ${error}`,
    )
  }
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Creates an empty database for this run and returns its URL. */
async function createDatabase(suffix: string): Promise<string> {
  const name = `${runId}_${suffix}`
  await admin((client) => client.query(`CREATE DATABASE ${name}`))
  created.push(name)
  return `${server}/${name}`
}

after(async () => {
  if (created.length === 0) return
  await admin(async (client) => {
    for (const name of created) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  })
})

describe('PostgreSQL stores', () => {
  let url = ''
  before(async () => {
    url = await createDatabase('contract')
  })

  // One database for the suite, emptied before each test; a pool of several connections makes races real.
  storeContract(async () => {
    const database = openPostgresDatabase(url)
    await migrate(database)
    const rows = await database.all<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    )
    const tables = rows.map((row) => row.table_name)
    // DELETE, not TRUNCATE: far quicker on tables this small, and every foreign key cascades anyway.
    for (const table of tables) if (table !== 'schema_migrations') await database.run(`DELETE FROM ${table}`)
    return { stores: createStores(database), database, tables }
  })
})

describe('PostgreSQL database URLs and migrations', () => {
  test('postgres:// and postgresql:// URLs open migrated stores', async () => {
    const url = await createDatabase('urls')
    for (const scheme of ['postgres:', 'postgresql:']) {
      const stores = await openStores(url.replace(/^postgres:/, scheme))
      try {
        assert.deepEqual(await stores.clients.list(), [])
      } finally {
        await stores.close()
      }
    }
  })

  test('processes that migrate at once apply each migration exactly once', async () => {
    const url = await createDatabase('race')
    const results = await Promise.all(Array.from({ length: 5 }, () => migrateDatabase(url)))
    assert.deepEqual(results.flat().sort(), ['001-initial'])
    assert.deepEqual(await migrateDatabase(url), [])
  })
})
