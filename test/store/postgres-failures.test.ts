import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { InvalidRequest, OAuthError, TemporarilyUnavailable } from '../../src/core/errors.ts'
import { openStores } from '../../src/store/index.ts'
import { openPostgresDatabase } from '../../src/store/postgres/driver.ts'
import { createPostgresDatabase } from '../support/postgres.ts'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts'

let database: Awaited<ReturnType<typeof createPostgresDatabase>>
let proxy: TcpProxy
before(async () => {
  database = await createPostgresDatabase('failures')
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 })
})
after(async () => {
  await proxy?.kill()
  await database?.drop()
})

/** The test database's URL through the proxy. */
function proxied(): string {
  const url = new URL(database.url)
  url.port = String(proxy.port)
  return url.href
}

const unavailable = (error: unknown) => error instanceof TemporarilyUnavailable

describe('the PostgreSQL driver tells connection failures from bugs', { timeout: 60_000 }, () => {
  test('a NUL in a value is invalid_request (22021), in a statement and through the stores', async () => {
    const stores = await openStores(database.url)
    const raw = openPostgresDatabase(database.url)
    try {
      await assert.rejects(raw.get('SELECT ?::text AS v', ['a\u0000b']), InvalidRequest)
      await assert.rejects(stores.users.getByUsername('a\u0000b'), InvalidRequest)
      await assert.rejects(stores.clients.get('a\u0000b'), InvalidRequest)
    } finally {
      await Promise.all([stores.close(), raw.close()])
    }
  })

  test('a syntax error or a constraint violation stays what it is: no OAuth error hides it', async () => {
    const raw = openPostgresDatabase(database.url)
    try {
      await assert.rejects(
        raw.get('SELEC 1'),
        (error) => !(error instanceof OAuthError) && /syntax/.test(String(error)),
      )
      await raw.run('CREATE TEMP TABLE IF NOT EXISTS t (id INT PRIMARY KEY)')
      await assert.rejects(
        raw.transaction(async (tx) => {
          await tx.run('CREATE TEMP TABLE u (id INT PRIMARY KEY)')
          await tx.run('INSERT INTO u VALUES (1)')
          await tx.run('INSERT INTO u VALUES (1)')
        }),
        (error) => !(error instanceof OAuthError) && (error as { code?: string }).code === '23505',
      )
    } finally {
      await raw.close()
    }
  })

  test('a database that refuses connections is temporarily_unavailable', async () => {
    const gone = await startTcpProxy({ host: '127.0.0.1', port: 5432 })
    await gone.kill()
    const url = new URL(database.url)
    url.port = String(gone.port)
    const raw = openPostgresDatabase(url.href)
    try {
      await assert.rejects(raw.get('SELECT 1'), unavailable)
      await assert.rejects(
        raw.transaction((tx) => tx.get('SELECT 1')),
        unavailable,
      )
    } finally {
      await raw.close()
    }
  })

  test('a connection lost inside a transaction rolls it back and answers temporarily_unavailable', async () => {
    const raw = openPostgresDatabase(proxied())
    try {
      await raw.run('CREATE TABLE IF NOT EXISTS cut (id INT PRIMARY KEY)')
      await assert.rejects(
        raw.transaction(async (tx) => {
          await tx.run('INSERT INTO cut VALUES (1)')
          await proxy.kill()
          await tx.run('INSERT INTO cut VALUES (2)')
        }),
        unavailable,
      )
      await proxy.revive()
      assert.deepEqual(await raw.all('SELECT id FROM cut'), [], 'nothing of the cut transaction was kept')
    } finally {
      await raw.close()
    }
  })
})
