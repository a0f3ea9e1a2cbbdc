import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Stores } from '../../../src/core/ports/stores.ts'
import { eventually } from '../../support/eventually.ts'
import { serviceClient } from '../../support/fixtures.ts'
import { clientCredentials } from '../../support/oauth-client.ts'
import { freePort } from '../../support/ports.ts'
import { createPostgresDatabase, withPostgresAdmin } from '../../support/postgres.ts'
import { sample, scrape } from '../../support/prometheus.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

/** The `keyward_db_pool_*` figures of one scrape. */
async function pool(server: TestServer) {
  const text = await scrape(server.metricsUrl ?? assert.fail('no metrics listener'))
  const figure = (name: string) => sample(text, `keyward_db_pool_${name}`)
  return {
    open: figure('connections'),
    idle: figure('idle_connections'),
    waiting: figure('waiting_clients'),
    max: figure('max_connections'),
    opened: figure('connections_opened_total'),
    lost: figure('connections_lost_total'),
    acquireFailures: figure('acquire_failures_total'),
  }
}

/** Opens a transaction that holds its connection until `release`: resolves once it holds it. */
async function holdConnection(stores: Stores): Promise<{ release(): Promise<void> }> {
  let release = () => {}
  let holding = () => {}
  const held = new Promise<void>((resolve) => (holding = resolve))
  const transaction = stores.transaction(
    () =>
      new Promise<void>((resolve) => {
        release = resolve
        holding()
      }),
  )
  await held
  return {
    release: () => {
      release()
      return transaction
    },
  }
}

describe('database pool metrics on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>
  let server: TestServer
  before(async () => {
    database = await createPostgresDatabase('pool_metrics')
    server = await startTestServer({
      databaseUrl: database.url,
      metricsPort: await freePort(),
      // One connection, so that a test can hold it; a wait for it gives up quickly.
      database: { poolSize: 1, acquireTimeoutMs: 300 },
    })
  })
  after(async () => {
    await server?.close()
    await database?.drop()
  })

  test('at rest: the configured size, an idle connection, nobody waiting, nothing lost', async () => {
    const job = await serviceClient(server)
    assert.equal((await clientCredentials(server, job)).status, 200)
    const now = await pool(server)
    assert.equal(now.max, 1)
    assert.equal(now.open, 1)
    assert.equal(now.idle, 1)
    assert.equal(now.waiting, 0)
    assert.ok(now.opened >= 1)
    assert.equal(now.lost, 0)
    assert.equal(now.acquireFailures, 0)
  })

  test('a caller waiting for the one connection shows, and so does its wait giving up', async () => {
    const { stores } = server.core
    const held = await holdConnection(stores)
    try {
      const waiter = stores.ping()
      const busy = await pool(server)
      assert.equal(busy.open, 1)
      assert.equal(busy.idle, 0)
      assert.equal(busy.waiting, 1)
      // acquireTimeoutMs: the wait ends without a connection, a 503 for a request.
      await assert.rejects(waiter, { code: 'temporarily_unavailable' })
      const after = await pool(server)
      assert.equal(after.waiting, 0)
      assert.equal(after.acquireFailures, 1)
    } finally {
      await held.release()
    }
    assert.equal((await pool(server)).idle, 1)
  })

  test('a connection the server drops counts as lost; the next request opens another', async () => {
    const before = await pool(server)
    await withPostgresAdmin((admin) =>
      admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [new URL(database.url).pathname.slice(1)],
      ),
    )
    await eventually(
      async () => (await pool(server)).lost > before.lost,
      'the lost connection was not counted',
    )
    await server.core.stores.ping()
    const after = await pool(server)
    assert.equal(after.lost, before.lost + 1)
    assert.equal(after.opened, before.opened + 1)
    assert.equal(after.open, 1)
  })
})

describe('database pool metrics on SQLite', async () => {
  const server = await startTestServer({ metricsPort: await freePort() })
  after(() => server.close())

  test('its one connection: open, idle at rest, never lost', async () => {
    assert.deepEqual(await pool(server), {
      open: 1,
      idle: 1,
      waiting: 0,
      max: 1,
      opened: 1,
      lost: 0,
      acquireFailures: 0,
    })
  })

  test('a statement waiting behind an open transaction shows as waiting', async () => {
    const { stores } = server.core
    const held = await holdConnection(stores)
    const waiter = stores.ping()
    const busy = await pool(server)
    await held.release()
    await waiter
    assert.equal(busy.idle, 0)
    assert.equal(busy.waiting, 1)
  })
})

describe('without a database (memory:)', async () => {
  const server = await startTestServer({ databaseUrl: 'memory:', metricsPort: await freePort() })
  after(() => server.close())

  test('no pool metrics: there is no connection to report', async () => {
    const text = await scrape(server.metricsUrl ?? assert.fail('no metrics listener'))
    assert.doesNotMatch(text, /keyward_db_pool_/)
  })
})
