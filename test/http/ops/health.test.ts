import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import { createPostgresDatabase } from '../../support/postgres.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts'

/** The probe's answer: status, body and the headers a probe or a browser would look at. */
async function probe(server: TestServer, path: '/health' | '/ready') {
  const response = await fetch(`${server.issuer}${path}`, { headers: { origin: 'https://app.example' } })
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    cacheControl: response.headers.get('cache-control'),
    cors: response.headers.get('access-control-allow-origin'),
  }
}

/** Asks `/ready` until it answers `status` (a reconnection takes a moment), at most for about five seconds. */
async function readyBecomes(server: TestServer, status: number) {
  for (let poll = 0; poll < 50; poll++) {
    const answer = await probe(server, '/ready')
    if (answer.status === status) return answer
    await sleep(100)
  }
  return probe(server, '/ready')
}

/** Short database timeouts, so that a dead proxy fails the probe in half a second rather than five. */
const QUICK_DATABASE = { connectTimeoutMs: 500, statementTimeoutMs: 1000, acquireTimeoutMs: 500 }

describe('/health and /ready on a healthy node', async () => {
  const server = await startTestServer()
  after(() => server.close())

  test('/health answers 200 {status: ok}, never cached, no CORS', async () => {
    assert.deepEqual(await probe(server, '/health'), {
      status: 200,
      body: { status: 'ok' },
      cacheControl: 'no-store',
      cors: null,
    })
  })

  test('/ready checks the database and the signing keys (no Redis is configured), never cached, no CORS', async () => {
    assert.deepEqual(await probe(server, '/ready'), {
      status: 200,
      body: { status: 'ok', checks: { database: 'ok', signing_keys: 'ok' } },
      cacheControl: 'no-store',
      cors: null,
    })
  })
})

describe('/ready with PostgreSQL behind a proxy that dies', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>
  let proxy: TcpProxy
  let server: TestServer
  before(async () => {
    database = await createPostgresDatabase('ready')
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 })
    const proxied = new URL(database.url)
    proxied.port = String(proxy.port)
    server = await startTestServer({
      databaseUrl: proxied.href,
      database: QUICK_DATABASE,
      logLevel: 'silent',
    })
  })
  after(async () => {
    await server.close()
    await proxy.kill()
    await database.drop()
  })

  test('ready while the database answers, a probe costing a few milliseconds at most', async () => {
    assert.equal((await probe(server, '/ready')).status, 200)
    const probes = 200
    const cost = async (path: string) => {
      const start = performance.now()
      for (let each = 0; each < probes; each++) await (await fetch(`${server.issuer}${path}`)).arrayBuffer()
      return (performance.now() - start) / probes
    }
    const health = await cost('/health')
    const ready = await cost('/ready')
    // A probe every second must cost the node nothing it would notice: one SELECT 1 through the pool.
    assert.ok(ready < 20, `one /ready took ${ready.toFixed(2)} ms`)
    process.stdout.write(
      `# ${probes} probes, PostgreSQL through a TCP proxy: /health ${health.toFixed(2)} ms, /ready ${ready.toFixed(2)} ms each\n`,
    )
  })

  test('database down: /ready answers 503 naming the database, /health stays 200; ready again once it is back', async () => {
    await proxy.kill()
    const down = await probe(server, '/ready')
    assert.deepEqual(down.body, { status: 'unavailable', checks: { database: 'failed', signing_keys: 'ok' } })
    assert.equal(down.status, 503)
    assert.equal((await probe(server, '/health')).status, 200)
    await proxy.revive()
    assert.equal((await readyBecomes(server, 200)).status, 200)
  })
})

describe('/ready with Redis behind a proxy that dies', () => {
  let proxy: TcpProxy
  let server: TestServer
  before(async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 })
    server = await startTestServer({ redisUrl: `redis://127.0.0.1:${proxy.port}`, logLevel: 'silent' })
  })
  after(async () => {
    await server.close()
    await proxy.kill()
  })

  test('Redis down: /ready answers 503 naming Redis, /health stays 200; ready again once it is back', async () => {
    assert.deepEqual((await probe(server, '/ready')).body, {
      status: 'ok',
      checks: { database: 'ok', signing_keys: 'ok', redis: 'ok' },
    })
    await proxy.kill()
    const down = await readyBecomes(server, 503)
    assert.deepEqual(down.body, {
      status: 'unavailable',
      checks: { database: 'ok', signing_keys: 'ok', redis: 'failed' },
    })
    assert.equal(down.status, 503)
    assert.equal((await probe(server, '/health')).status, 200)
    await proxy.revive()
    // ioredis backs off to a try every 2 s.
    assert.equal((await readyBecomes(server, 200)).status, 200)
  })
})
