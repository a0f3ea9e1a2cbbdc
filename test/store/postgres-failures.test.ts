import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { DatabaseTimeouts } from '../../src/core/config.ts'
import { InvalidRequest, OAuthError, TemporarilyUnavailable } from '../../src/core/errors.ts'
import { openStores } from '../../src/store/index.ts'
import { listenForChanges } from '../../src/store/postgres/change-listener.ts'
import { openPostgresDatabase } from '../../src/store/postgres/driver.ts'
import type { ExternalChange } from '../../src/store/sql/change-feed.ts'
import { createPostgresDatabase } from '../support/postgres.ts'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts'
import { eventually } from '../support/eventually.ts'

/** Short enough for a test, long enough for a query on a busy machine. */
const SHORT: DatabaseTimeouts = { connectTimeoutMs: 1000, statementTimeoutMs: 300, acquireTimeoutMs: 1000 }

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
    const { database: raw } = openPostgresDatabase(database.url)
    try {
      await assert.rejects(raw.get('SELECT ?::text AS v', ['a\u0000b']), InvalidRequest)
      await assert.rejects(stores.users.getByUsername('a\u0000b'), InvalidRequest)
      await assert.rejects(stores.clients.get('a\u0000b'), InvalidRequest)
    } finally {
      await Promise.all([stores.close(), raw.close()])
    }
  })

  test('a syntax error or a constraint violation stays what it is: no OAuth error hides it', async () => {
    const { database: raw } = openPostgresDatabase(database.url)
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

  test('a statement over the statement timeout is temporarily_unavailable (57014); the pool carries on', async () => {
    const { database: raw } = openPostgresDatabase(database.url, SHORT)
    try {
      await assert.rejects(raw.get('SELECT pg_sleep(3)'), (error) => {
        assert.ok(unavailable(error), String(error))
        assert.equal(((error as Error).cause as { code?: string }).code, '57014')
        return true
      })
      assert.deepEqual(await raw.get('SELECT 1 AS one'), { one: 1 })
    } finally {
      await raw.close()
    }
  })

  test('no free connection within the acquire timeout is temporarily_unavailable', async () => {
    const { database: raw } = openPostgresDatabase(database.url, {
      connectTimeoutMs: 5000,
      acquireTimeoutMs: 1000,
      statementTimeoutMs: 5000,
    })
    try {
      // pg's default pool holds 10 connections: opened first, then all ten kept busy; the eleventh caller waits.
      await Promise.all(Array.from({ length: 10 }, () => raw.get('SELECT 1')))
      const busy = Array.from({ length: 10 }, () => raw.get('SELECT pg_sleep(2)'))
      await assert.rejects(raw.get('SELECT 1'), (error) => {
        assert.ok(unavailable(error), String(error))
        assert.match(String((error as Error).cause), /timeout exceeded when trying to connect/)
        return true
      })
      await Promise.all(busy)
    } finally {
      await raw.close()
    }
  })

  test('a database that refuses connections is temporarily_unavailable', async () => {
    const gone = await startTcpProxy({ host: '127.0.0.1', port: 5432 })
    await gone.kill()
    const url = new URL(database.url)
    url.port = String(gone.port)
    const { database: raw } = openPostgresDatabase(url.href, SHORT)
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

  test('a stalled server: connecting and answering each time out as temporarily_unavailable', async () => {
    const { database: raw } = openPostgresDatabase(proxied(), SHORT)
    try {
      assert.deepEqual(await raw.get('SELECT 1 AS one'), { one: 1 })
      proxy.stall()
      // The pooled connection waits for an answer that does not come, a new one for its handshake.
      const [held, opening] = await Promise.allSettled([
        raw.get('SELECT 2'),
        raw.transaction((tx) => tx.get('SELECT 3')),
      ])
      for (const outcome of [held, opening]) {
        assert.equal(outcome.status, 'rejected')
        assert.ok(unavailable(outcome.reason), String(outcome.reason))
      }
      proxy.resume()
      assert.deepEqual(await raw.get('SELECT 1 AS one'), { one: 1 })
    } finally {
      proxy.resume()
      await raw.close()
    }
  })

  test('a connection lost inside a transaction rolls it back and answers temporarily_unavailable', async () => {
    const { database: raw } = openPostgresDatabase(proxied(), SHORT)
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

describe('the change listener', { timeout: 60_000 }, () => {
  /** What the client cache hears first once the listener answers anything but unknown. */
  const firstAnswer = async (listener: { check(): ExternalChange }): Promise<ExternalChange> => {
    let answer: ExternalChange = 'unknown'
    await eventually(async () => (answer = listener.check()) !== 'unknown', 'the listener never listened')
    return answer
  }
  const unknown = (listener: { check(): ExternalChange }, message: string) =>
    eventually(async () => listener.check() === 'unknown', message)

  test('dropped or stalled, it answers unknown until it listens again, and then changed', async () => {
    const listener = listenForChanges(proxied(), SHORT, { heartbeatMs: 200 })
    const feed = listener.feed('clients')
    try {
      assert.equal(await firstAnswer(feed), 'changed')
      await proxy.kill()
      await unknown(feed, 'a dropped listener still vouched for the cache')
      await proxy.revive()
      assert.equal(await firstAnswer(feed), 'changed', 'notifications may have been missed meanwhile')
      proxy.stall()
      // Nothing is reset: only the heartbeat going unanswered finds the connection dead.
      await unknown(feed, 'a stalled listener still vouched for the cache')
      proxy.resume()
      assert.equal(await firstAnswer(feed), 'changed')
    } finally {
      proxy.resume()
      await listener.close()
    }
  })
})
