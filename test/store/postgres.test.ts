import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { pino } from 'pino'
import { databaseTimeoutDefaults } from '../../src/core/config.ts'
import { rotateKeys } from '../../src/core/index.ts'
import { openRuntime } from '../../src/runtime.ts'
import { migrateDatabase, openStores, watchSigningKeys } from '../../src/store/index.ts'
import { migrations } from '../../src/store/migrations/index.ts'
import { migrate } from '../../src/store/migrations/migrate.ts'
import { LISTENER_APPLICATION_NAME } from '../../src/store/postgres/change-listener.ts'
import { openPostgresDatabase } from '../../src/store/postgres/driver.ts'
import { createStores } from '../../src/store/sql/stores.ts'
import { type CacheFixture, cached, clientCacheContract } from './client-cache-contract.ts'
import { storeContract } from './contract.ts'
import { countingDatabase } from './counting-database.ts'
import { introspectionIsOneStatement, userinfoIsOneStatement } from './introspection-statements.ts'
import { upToDateIsOneRead } from './migration-check.ts'
import { successorsOutliveMigration021, tokensOutliveMigration019 } from './token-migration.ts'
import { eventually } from '../support/eventually.ts'
import { createPostgresDatabase, withPostgresAdmin } from '../support/postgres.ts'
import * as make from '../support/fixtures.ts'
import { at, testConfig } from '../support/fixtures.ts'
import type { Grant } from '../../src/core/model/grant.ts'
import type { RefreshToken } from '../../src/core/model/token.ts'
import type { RefreshRotation } from '../../src/core/ports/stores.ts'

/** Every migration's name, oldest first: what a new database gets. */
const everyMigration = migrations.map((migration) => migration.name)

// Each run works in databases of its own, created here and dropped at the end, so nothing is left behind.
const created: { drop(): Promise<void> }[] = []

/** Creates an empty database for this run and returns its URL. */
async function createDatabase(suffix: string): Promise<string> {
  const database = await createPostgresDatabase(`test_${suffix}`)
  created.push(database)
  return database.url
}

after(async () => {
  for (const database of created) await database.drop()
})

describe('PostgreSQL stores', () => {
  let url = ''
  before(async () => {
    url = await createDatabase('contract')
  })

  // One database for the suite, emptied before each test; a pool of several connections makes races real.
  storeContract(async () => {
    const { database, changes } = openPostgresDatabase(url)
    await migrate(database)
    const rows = await database.all<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    )
    const tables = rows.map((row) => row.table_name)
    // DELETE, not TRUNCATE: far quicker on tables this small, and every foreign key cascades anyway.
    for (const table of tables) if (table !== 'schema_migrations') await database.run(`DELETE FROM ${table}`)
    return { stores: createStores(database, changes), database, tables }
  })
})

/** Stores whose statements are counted, and another Stores from openStores, both on the same database. */
async function cacheFixture(url: string): Promise<CacheFixture> {
  const other = await openStores(url)
  const opened = openPostgresDatabase(url)
  const counting = countingDatabase(opened.database)
  return {
    stores: createStores(counting.database, opened.changes),
    statements: counting.statements,
    other,
    othersSeen: 'once notified',
  }
}

/** The listening backends on this database (change-listener.ts names its connection). */
const listenerBackends = `SELECT pid, state, query FROM pg_stat_activity
  WHERE datname = $1 AND application_name = '${LISTENER_APPLICATION_NAME}'`

type Listener = { readonly pid: number; readonly state: string; readonly query: string }

async function listeners(url: string): Promise<Listener[]> {
  const name = new URL(url).pathname.slice(1)
  return withPostgresAdmin(async (client) => (await client.query(listenerBackends, [name])).rows)
}

/**
 * Drops the listeners' connections as a failover or network cut would (a closed Stores' listener may linger
 * a moment too), and returns the pids they had.
 */
async function dropListeners(url: string): Promise<ReadonlySet<number>> {
  const pids = (await listeners(url)).map((listener) => listener.pid)
  assert.ok(pids.length > 0, 'a listener is connected')
  await withPostgresAdmin((client) =>
    client.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]),
  )
  return new Set(pids)
}

describe('PostgreSQL client cache', () => {
  let url = ''
  before(async () => {
    url = await createDatabase('cache')
  })

  clientCacheContract(() => cacheFixture(url))

  test('introspecting an opaque token is one statement, its grant read with it', async () => {
    const fixture = await cacheFixture(url)
    try {
      await introspectionIsOneStatement(fixture)
    } finally {
      await Promise.all([fixture.stores.close(), fixture.other.close()])
    }
  })

  test('UserInfo with an opaque token is one statement, its grant and user read with it', async () => {
    const fixture = await cacheFixture(url)
    try {
      await userinfoIsOneStatement(fixture)
    } finally {
      await Promise.all([fixture.stores.close(), fixture.other.close()])
    }
  })

  test('while its listener is disconnected, lookups read through', async () => {
    const fixture = await cacheFixture(url)
    const { clients } = fixture.stores
    try {
      const client = make.client()
      await clients.create(client)
      await cached(fixture, client.id)
      await dropListeners(url)
      await eventually(async () => {
        const before = fixture.statements()
        await clients.get(client.id)
        await clients.get(client.id)
        return fixture.statements() === before + 2
      }, 'lookups were still served from memory with the listener disconnected')
      assert.deepEqual(await cached(fixture, client.id), client, 'it reconnected and caches again')
    } finally {
      await Promise.all([fixture.stores.close(), fixture.other.close()])
    }
  })

  test('a write made while nobody listened is seen once the listener is back, with no lookup between', async () => {
    const fixture = await cacheFixture(url)
    const { clients } = fixture.stores
    try {
      const client = make.client()
      await clients.create(client)
      await cached(fixture, client.id)
      const dropped = await dropListeners(url)
      const renamed = { ...client, name: 'Renamed while nobody listened' }
      await fixture.other.clients.update(renamed)
      const relistened = (listener: Listener) =>
        !dropped.has(listener.pid) &&
        listener.query.includes('LISTEN keyward_clients') &&
        listener.state === 'idle'
      await eventually(async () => (await listeners(url)).some(relistened), 'the listener never reconnected')
      assert.deepEqual(await clients.get(client.id), renamed)
    } finally {
      await Promise.all([fixture.stores.close(), fixture.other.close()])
    }
  })

  test('closing the Stores closes its listener connection', async () => {
    const fixture = await cacheFixture(url)
    await cached(fixture, 'nobody')
    assert.ok((await listeners(url)).length > 0)
    await Promise.all([fixture.stores.close(), fixture.other.close()])
    await eventually(
      async () => (await listeners(url)).length === 0,
      'the listener connection outlived its Stores',
    )
  })
})

describe('PostgreSQL signing key notifications', () => {
  test('a key written by another process is told at once, as is every (re)connection', async () => {
    const url = await createDatabase('keys')
    const writer = await openStores(url)
    let told = 0
    const watch = await watchSigningKeys(url, databaseTimeoutDefaults, () => told++)
    try {
      await eventually(async () => told === 1, 'connecting was not told (a change may have been missed)')
      await writer.keys.create(make.signingKey())
      await eventually(async () => told === 2, 'the new key was not told')
    } finally {
      await Promise.all([watch.close(), writer.close()])
    }
  })
})

describe('PostgreSQL change listener', () => {
  test('a node hears every channel on one connection, before and after it is dropped', async () => {
    const url = await createDatabase('listen')
    const config = testConfig({ databaseUrl: url })
    const logger = pino({ level: 'silent' })
    // Another node writes; this node's caches and key ring learn of it only through its listener.
    const other = await openRuntime(config, logger)
    const node = await openRuntime(config, logger)
    const { clients, resources } = node.core.stores
    try {
      const client = make.client()
      await other.core.stores.clients.create(client)
      const resource = make.resource()
      // Every feed asked, the key watch open: all of this process's listening, on one connection.
      await eventually(async () => {
        await Promise.all([clients.get(client.id), resources.get(resource.identifier)])
        const backends = await listeners(url)
        return backends.length === 1 && backends[0]?.state === 'idle'
      }, 'the listener never listened')
      assert.equal((await listeners(url)).length, 1, 'one LISTEN connection for every channel')

      /** Caches `client` and `resource` on this node, changes each channel from the other, and waits to hear it. */
      const changesArrive = async (round: string) => {
        const before = await clients.get(client.id)
        await resources.get(resource.identifier)
        const renamed = { ...client, name: `Renamed ${round}` }
        await other.core.stores.clients.update(renamed)
        const present = (await resources.get(resource.identifier)) !== null
        if (present) await other.core.stores.resources.delete(resource.identifier)
        else await other.core.stores.resources.create(resource)
        const { key } = await rotateKeys(other.core)
        assert.notEqual(before?.name, renamed.name)
        await eventually(
          async () => (await clients.get(client.id))?.name === renamed.name,
          `${round}: the client change did not arrive`,
        )
        await eventually(
          async () => ((await resources.get(resource.identifier)) !== null) !== present,
          `${round}: the resource change did not arrive`,
        )
        await eventually(
          async () => node.core.keys.active().kid === key.kid,
          `${round}: the signing key change did not arrive`,
        )
      }
      await changesArrive('while listening')
      const dropped = await dropListeners(url)
      await changesArrive('after the listener was dropped')
      const backends = await listeners(url)
      assert.equal(backends.length, 1, 'still one LISTEN connection')
      assert.ok(!dropped.has(backends[0]?.pid ?? 0), 'a new connection')
    } finally {
      await Promise.all([node.close(), other.close()])
    }
    await eventually(async () => (await listeners(url)).length === 0, 'the listener outlived its runtimes')
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
    assert.deepEqual(results.flat().sort(), everyMigration)
    assert.deepEqual(await migrateDatabase(url), [])
  })

  test('a start on an up-to-date database reads which migrations it has once, in no transaction', async () => {
    const { database } = openPostgresDatabase(await createDatabase('uptodate'))
    try {
      await upToDateIsOneRead(database)
    } finally {
      await database.close()
    }
  })

  test('tokens written before migration 019 read the same after it', async () => {
    await tokensOutliveMigration019(openPostgresDatabase(await createDatabase('tokens019')))
  })

  test('refresh token chains rotated before migration 021 are superseded the same after it', async () => {
    await successorsOutliveMigration021(openPostgresDatabase(await createDatabase('successors021')))
  })

  test('a token row is the heap tuple and its primary key: no other index, no parent row locked', async () => {
    const { database } = openPostgresDatabase(await createDatabase('writes'))
    try {
      await migrate(database)
      const indexes = (table: string) =>
        database.all<{ name: string }>(
          'SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = ?::regclass ORDER BY 1',
          [table],
        )
      const foreignKeys = (table: string) =>
        database.all("SELECT conname FROM pg_constraint WHERE conrelid = ?::regclass AND contype = 'f'", [
          table,
        ])
      assert.deepEqual(await indexes('access_tokens'), [{ name: 'access_tokens_pkey' }])
      // A rotation's successor is named in its predecessor's row (migration 021): no index on `replaces`.
      assert.deepEqual(await indexes('refresh_tokens'), [{ name: 'refresh_tokens_pkey' }])
      assert.deepEqual(await foreignKeys('access_tokens'), [])
      assert.deepEqual(await foreignKeys('refresh_tokens'), [])
    } finally {
      await database.close()
    }
  })
})

describe('PostgreSQL rotations gathered per turn', () => {
  test("a turn's rotations are one statement, each answered its own; a repeated token waits for the next", async () => {
    const stores = await openStores(await createDatabase('rotations'))
    // Every statement the pool's connections are sent, counted where pg sends it.
    const sent: string[] = []
    const query = pg.Client.prototype.query
    try {
      const owner = { client: make.client(), user: make.user() }
      await stores.clients.create(owner.client)
      await stores.users.create(owner.user)
      const live = make.grant(owner)
      const ended = make.grant(owner)
      await stores.grants.create(live)
      await stores.grants.create(ended)
      const tokens = [make.refreshToken(live), make.refreshToken(live), make.refreshToken(ended)]
      for (const token of tokens) await stores.tokens.createRefreshToken(token)
      await stores.grants.revoke(ended.id, at(1), 'operator')
      const rotationOf = (token: RefreshToken, grant: Grant) =>
        ({
          digest: token.digest,
          grantId: grant.id,
          at: at(2),
          issued: {
            accessToken: make.accessToken(grant),
            refreshToken: make.refreshToken(grant, { replaces: token.digest }),
          },
        }) satisfies RefreshRotation
      const [first, second, revoked] = tokens as [RefreshToken, RefreshToken, RefreshToken]
      const rotations = [
        rotationOf(first, live),
        rotationOf(second, live),
        rotationOf(revoked, ended),
        rotationOf(first, live),
      ]
      pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
        const [config] = args as [string | { text: string }]
        sent.push(typeof config === 'string' ? config : config.text)
        return (query as (...args: unknown[]) => unknown).apply(this, args)
      } as typeof query
      const results = await Promise.all(
        rotations.map((rotation) => stores.tokens.rotateRefreshToken(rotation)),
      )
      pg.Client.prototype.query = query
      assert.deepEqual(
        results.map((result) => result.kind),
        ['rotated', 'rotated', 'refused', 'reused'],
      )
      const claims = sent.filter((sql) => sql.includes('UPDATE refresh_tokens'))
      assert.equal(claims.length, 2, 'the first three in one statement, the repeat in the next')
      assert.match(claims[0]!, /jsonb_array_elements/)
      for (const [index, { issued }] of rotations.entries()) {
        const stored = index < 2
        assert.equal((await stores.tokens.getAccessToken(issued.accessToken.key)) !== null, stored)
        assert.deepEqual(
          await stores.tokens.getRefreshToken(issued.refreshToken.digest),
          stored ? issued.refreshToken : null,
        )
      }
      assert.deepEqual((await stores.tokens.getRefreshToken(first.digest))?.rotatedAt, at(2))
    } finally {
      pg.Client.prototype.query = query
      await stores.close()
    }
  })
})
