import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, describe, test } from 'node:test'
import { duringOperation } from '../../src/core/ports/operation.ts'
import { migrateDatabase, openStores } from '../../src/store/index.ts'
import { migrations } from '../../src/store/migrations/index.ts'
import { migrate } from '../../src/store/migrations/migrate.ts'
import { createStores } from '../../src/store/sql/stores.ts'
import { openSqliteDatabase } from '../../src/store/sqlite/driver.ts'
import { accessTokens, refreshTokens } from '../../src/store/sql/tables.ts'
import { type CacheFixture, clientCacheContract } from './client-cache-contract.ts'
import { storeContract } from './contract.ts'
import { countingDatabase } from './counting-database.ts'
import { introspectionIsOneStatement, userinfoIsOneStatement } from './introspection-statements.ts'
import { upToDateIsOneRead } from './migration-check.ts'
import { successorsOutliveMigration021, tokensOutliveMigration019 } from './token-migration.ts'
import * as make from '../support/fixtures.ts'

/** Every migration's name, oldest first: what a new database gets. */
const everyMigration = migrations.map((migration) => migration.name)

describe('SQLite stores', () => {
  storeContract(async () => {
    const { database, changes } = openSqliteDatabase(':memory:')
    await migrate(database)
    const tables = await database.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {
      stores: createStores(database, changes),
      database,
      tables: tables.map((table) => table.name),
    }
  })
})

describe('SQLite client cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-cache-'))
  after(() => rmSync(dir, { recursive: true, force: true }))
  let opened = 0

  // A file, not :memory:, so that a second connection shares the database.
  clientCacheContract(async () => {
    const url = `sqlite:${join(dir, `cache-${++opened}.db`)}`
    const other = await openStores(url)
    const connection = openSqliteDatabase(url.slice('sqlite:'.length))
    const counting = countingDatabase(connection.database)
    return {
      stores: createStores(counting.database, connection.changes),
      statements: counting.statements,
      other,
      othersSeen: 'on the next lookup',
    }
  })

  test('a data_version check serves the requests received before it; outside a request, every lookup checks', async () => {
    const path = join(dir, `cache-${++opened}.db`)
    let clock = 10
    const { database, changes } = openSqliteDatabase(path, () => clock)
    const elsewhere = new DatabaseSync(path)
    elsewhere.exec('CREATE TABLE writes (n INTEGER)')
    const writeElsewhere = () => elsewhere.exec('INSERT INTO writes VALUES (1)')
    const checkAsReceivedAt = (receivedAt: number) =>
      duringOperation(receivedAt, () => changes.clients.check())
    try {
      assert.equal(changes.clients.check(), 'changed', 'the first check')
      assert.equal(checkAsReceivedAt(10), 'unchanged', 'checked at 10')
      writeElsewhere()
      clock = 11
      assert.equal(checkAsReceivedAt(9), 'unchanged', 'received before the check at 10: no new PRAGMA')
      assert.equal(checkAsReceivedAt(10), 'unchanged', 'received as the check at 10 began: no new PRAGMA')
      assert.equal(
        checkAsReceivedAt(10.5),
        'changed',
        "received after the check: a new one sees the other's write",
      )
      assert.equal(checkAsReceivedAt(11), 'unchanged', 'checked at 11, nothing written since')
      assert.equal(changes.resources.check(), 'changed', 'each table remembers its own checks')

      writeElsewhere()
      assert.equal(changes.clients.check(), 'changed', 'outside a request: a new PRAGMA')
      writeElsewhere()
      assert.equal(changes.clients.check(), 'changed', 'outside a request: again')
      assert.equal(changes.clients.check(), 'unchanged')
    } finally {
      elsewhere.close()
      void database.close()
    }
  })

  /** Runs `check` on stores over a fresh migrated database whose statements are counted. */
  async function withCountedStatements(
    check: (counted: Pick<CacheFixture, 'stores' | 'statements'>) => Promise<void>,
  ): Promise<void> {
    const url = `sqlite:${join(dir, `cache-${++opened}.db`)}`
    await migrateDatabase(url)
    const connection = openSqliteDatabase(url.slice('sqlite:'.length))
    const counting = countingDatabase(connection.database)
    const stores = createStores(counting.database, connection.changes)
    try {
      await check({ stores, statements: counting.statements })
    } finally {
      await stores.close()
    }
  }

  test('introspecting an opaque token is one statement, its grant read with it', () =>
    withCountedStatements(introspectionIsOneStatement))

  test('UserInfo with an opaque token is one statement, its grant and user read with it', () =>
    withCountedStatements(userinfoIsOneStatement))
})

describe('SQLite database URLs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-store-'))
  after(() => rmSync(dir, { recursive: true, force: true }))

  test('sqlite::memory: opens an empty, migrated database', async () => {
    const stores = await openStores('sqlite::memory:')
    try {
      assert.deepEqual(await stores.clients.list(), [])
    } finally {
      await stores.close()
    }
  })

  test('a file database keeps its records across openings; migrateDatabase applies each migration once', async () => {
    const url = `sqlite:${join(dir, 'keyward.db')}`
    assert.deepEqual(await migrateDatabase(url), everyMigration)
    assert.deepEqual(await migrateDatabase(url), [])
    const client = make.client()
    const first = await openStores(url)
    await first.clients.create(client)
    await first.close()
    const second = await openStores(url)
    try {
      assert.deepEqual(await second.clients.get(client.id), client)
    } finally {
      await second.close()
    }
  })

  test('a start on an up-to-date database reads which migrations it has once, in no transaction', async () => {
    const { database } = openSqliteDatabase(':memory:')
    try {
      await upToDateIsOneRead(database)
    } finally {
      await database.close()
    }
  })

  test('a relative path is relative to the working directory', async () => {
    const url = `sqlite:${relative(process.cwd(), join(dir, 'relative.db'))}`
    assert.deepEqual(await migrateDatabase(url), everyMigration)
    assert.deepEqual(await migrateDatabase(`sqlite:${join(dir, 'relative.db')}`), [])
  })

  test('the driver turns on WAL with synchronous NORMAL, a busy timeout and foreign keys', async () => {
    const { database } = openSqliteDatabase(join(dir, 'pragmas.db'))
    try {
      assert.deepEqual({ ...(await database.get<object>('PRAGMA journal_mode')) }, { journal_mode: 'wal' })
      // 1 = NORMAL: with WAL, commits no longer wait for an fsync each.
      assert.deepEqual({ ...(await database.get<object>('PRAGMA synchronous')) }, { synchronous: 1 })
      assert.deepEqual({ ...(await database.get<object>('PRAGMA busy_timeout')) }, { timeout: 5000 })
      assert.deepEqual({ ...(await database.get<object>('PRAGMA foreign_keys')) }, { foreign_keys: 1 })
    } finally {
      await database.close()
    }
  })

  test('tokens written before migration 019 read the same after it', async () => {
    await tokensOutliveMigration019(openSqliteDatabase(':memory:'))
  })

  test('refresh token chains rotated before migration 021 are superseded the same after it', async () => {
    await successorsOutliveMigration021(openSqliteDatabase(':memory:'))
  })

  test('storing a token writes its row and its primary key, and reads no other table', async () => {
    const { database } = openSqliteDatabase(':memory:')
    try {
      await migrate(database)
      // The program of the INSERT opens each B-tree it writes (OpenWrite: the table, then each index) and each
      // it reads (OpenRead: a foreign key's parent).
      const opened = async (sql: string) => {
        const program = await database.all<{ opcode: string }>(`EXPLAIN ${sql}`)
        const count = (opcode: string) => program.filter((step) => step.opcode === opcode).length
        return { written: count('OpenWrite'), read: count('OpenRead') }
      }
      assert.deepEqual(await opened(accessTokens.insertSql), { written: 2, read: 0 })
      // A rotation's successor is named in its predecessor's row (migration 021): no index on `replaces`.
      assert.deepEqual(await opened(refreshTokens.insertSql), { written: 2, read: 0 })
    } finally {
      await database.close()
    }
  })

  test('an unsupported or empty URL is refused with a clear message that does not echo credentials', async () => {
    await assert.rejects(openStores('mysql://root:hunter2@db/keyward'), (error: Error) => {
      assert.match(error.message, /Unsupported database URL scheme "mysql:"/)
      assert.doesNotMatch(error.message, /hunter2/)
      return true
    })
    await assert.rejects(openStores('sqlite:'), /names no file/)
  })
})
