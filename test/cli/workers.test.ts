import assert from 'node:assert/strict'
import { request } from 'node:http'
import { test } from 'node:test'
import { cliHome, runCli } from '../support/cli.ts'
import { eventually } from '../support/eventually.ts'
import { TEST_SECRET } from '../support/fixtures.ts'
import { type KeywardProcess, startKeywardProcess } from '../support/keyward-process.ts'
import { freePort } from '../support/ports.ts'
import { createPostgresDatabase } from '../support/postgres.ts'
import { sample, scrape } from '../support/prometheus.ts'
import { REDIS_URL } from '../support/redis.ts'

/**
 * GET on a connection of its own (no keep-alive), so that the cluster hands each request to the next worker: its
 * status, or 0 when the connection failed or went quiet (a worker killed under it), for the caller to try again.
 */
function fetchOnNewConnection(url: string): Promise<number> {
  return new Promise((resolve) => {
    const outgoing = request(url, { agent: false, timeout: 2000 }, (response) => {
      response.resume()
      response.once('end', () => resolve(response.statusCode ?? 0))
      response.once('error', () => resolve(0))
    })
    outgoing.once('timeout', () => outgoing.destroy())
    outgoing.once('error', () => resolve(0))
    outgoing.end()
  })
}

/** The pid and worker slot of each process that logged serving the discovery document, from the one log stream. */
function servingWorkers(output: string): Map<number, number> {
  const served = new Map<number, number>()
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue
    const entry = JSON.parse(line) as { pid: number; worker?: number; req?: { path?: string } }
    if (entry.req?.path === '/.well-known/openid-configuration' && entry.worker !== undefined) {
      served.set(entry.pid, entry.worker)
    }
  }
  return served
}

test('--workers 2 without Redis is refused with why, and nothing starts', async () => {
  const home = cliHome()
  try {
    const result = await runCli(['start', '--workers', '2'], { ...home.env, KEYWARD_LOG_LEVEL: 'silent' })
    assert.equal(result.code, 1)
    assert.match(result.stderr, /--workers 2 needs Redis \(KEYWARD_REDIS_URL\)/)
    assert.match(result.stderr, /throttling would be N times weaker/)
    assert.match(result.stderr, /replayed proof/)
  } finally {
    home.remove()
  }
})

test('--workers 0 is a usage error', async () => {
  const home = cliHome()
  try {
    const result = await runCli(['start', '--workers', '0'], { ...home.env, KEYWARD_LOG_LEVEL: 'silent' })
    assert.equal(result.code, 1)
    assert.match(result.stderr, /--workers <count>.*a whole number of processes, 1 or more/)
  } finally {
    home.remove()
  }
})

// Bounded: a worker that never comes back fails the test instead of holding the run.
test(
  '--workers 2 on PostgreSQL and Redis: both serve, one killed is replaced, SIGTERM drains them and exits 0',
  { timeout: 90_000 },
  async () => {
    const database = await createPostgresDatabase('workers')
    let keyward: KeywardProcess | undefined
    try {
      keyward = await startKeywardProcess(
        { KEYWARD_DATABASE_URL: database.url, KEYWARD_REDIS_URL: REDIS_URL, KEYWARD_SECRET: TEST_SECRET },
        { args: ['bin/keyward.js', 'start', '--workers', '2'] },
      )
      const running = keyward
      const discovery = `${running.issuer}/.well-known/openid-configuration`
      await eventually(async () => {
        await fetchOnNewConnection(discovery)
        return servingWorkers(running.output()).size === 2
      }, 'requests were not served by two workers')
      const first = servingWorkers(running.output())
      assert.deepEqual([...first.values()].sort(), [1, 2])

      const [killedPid, killedSlot] = [...first.entries()].find(([, slot]) => slot === 2) ?? [0, 0]
      process.kill(killedPid, 'SIGKILL')
      await eventually(async () => {
        await fetchOnNewConnection(discovery)
        return [...servingWorkers(running.output()).keys()].some((pid) => !first.has(pid))
      }, 'no new worker served after one was killed')
      const replacement = [...servingWorkers(running.output()).entries()].find(([pid]) => !first.has(pid))
      assert.equal(replacement?.[1], killedSlot, 'the replacement takes the slot of the worker it replaces')
      assert.match(running.output(), /worker 2 exited \(SIGKILL\): starting another in 100 ms/)

      await running.close()
      // close() kills with SIGKILL only if SIGTERM has not stopped it within its bound.
      assert.equal(running.ended(), 'exit 0')
      for (const line of running.output().split('\n')) {
        if (line.startsWith('{')) assert.doesNotThrow(() => JSON.parse(line), `a whole line: ${line}`)
      }
    } finally {
      await keyward?.close()
      await database.drop()
    }
  },
)

// Bounded: two workers that never start, or a scrape that never answers, fail the test instead of holding the run.
test(
  '--workers 2 with a metrics port: one scrape shows both workers, summed',
  { timeout: 60_000 },
  async () => {
    const database = await createPostgresDatabase('workers_metrics')
    let keyward: KeywardProcess | undefined
    try {
      const metricsPort = await freePort()
      keyward = await startKeywardProcess(
        {
          KEYWARD_DATABASE_URL: database.url,
          KEYWARD_REDIS_URL: REDIS_URL,
          KEYWARD_SECRET: TEST_SECRET,
          KEYWARD_METRICS_PORT: String(metricsPort),
          KEYWARD_DATABASE_POOL_SIZE: '3',
        },
        { args: ['bin/keyward.js', 'start', '--workers', '2'] },
      )
      const running = keyward
      const discovery = `${running.issuer}/.well-known/openid-configuration`
      let served = 0
      await eventually(async () => {
        if ((await fetchOnNewConnection(discovery)) === 200) served++
        return servingWorkers(running.output()).size === 2
      }, 'requests were not served by two workers')

      const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`
      const series =
        'keyward_http_request_duration_seconds_count{route="/.well-known/openid-configuration",method="GET",status="200"}'
      // A worker counts a request once its reply has gone, a moment after the client has it.
      await eventually(
        async () => sample(await scrape(metricsUrl), series) === served,
        `one scrape did not count the ${served} requests both workers served`,
      )
      const text = await scrape(metricsUrl)
      // Each worker's pool of 3, summed: both workers answered this one scrape.
      assert.equal(sample(text, 'keyward_db_pool_max_connections'), 6)
      assert.match(text, /^nodejs_eventloop_lag_seconds /m)
    } finally {
      await keyward?.close()
      await database.drop()
    }
  },
)
