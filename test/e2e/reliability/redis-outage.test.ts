import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import { format } from 'node:util'
import { freePort } from '../../support/ports.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import {
  basicAuthorization,
  postToken,
  type RegisteredClient,
  type TokenReply,
} from '../../support/oauth-client.ts'

/** Bounded waits on real processes: a Redis starting, or a Keyward reconnecting (its retries back off to 2 s). */
const POLL_MS = 100
const POLLS = 100

/** A Redis of this test's own on 127.0.0.1: stopping it must not disturb the shared one other tests use. */
async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
    { stdio: 'ignore' },
  )
  for (let poll = 0; poll < POLLS; poll++) {
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (listening) return redis
    if (redis.exitCode !== null) break
    await sleep(POLL_MS)
  }
  redis.kill('SIGKILL')
  throw new Error(
    `redis-server did not start on port ${port} (is it installed? apt-get install redis-server)`,
  )
}

async function stopRedis(redis: ChildProcess): Promise<void> {
  if (redis.exitCode !== null) return
  const exited = new Promise((resolve) => redis.once('exit', resolve))
  redis.kill('SIGKILL')
  await exited
}

/** Log lines that are JSON objects, parsed. */
const logLines = (logs: readonly string[]) =>
  logs
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)

describe('with its Redis down, sign-in fails closed at once and recovers by itself', () => {
  let port: number
  let redis: ChildProcess
  let server: TestServer
  let legacy: RegisteredClient
  let service: RegisteredClient
  let person: Awaited<ReturnType<TestServer['user']>>
  // ioredis prints an error event nobody listens to with console.error: collected here to show there is none.
  const printed: string[] = []
  const consoleError = console.error
  before(async () => {
    console.error = (...args: unknown[]) => printed.push(format(...args))
    port = await freePort()
    redis = await startRedis(port)
    server = await startTestServer({ redisUrl: `redis://127.0.0.1:${port}` })
    legacy = await server.client({ grantTypes: ['password'], redirectUris: [], allowLegacy: ['password'] })
    service = await server.client({ grantTypes: ['client_credentials'], redirectUris: [] })
    person = await server.user()
  })
  after(async () => {
    console.error = consoleError
    await server?.close()
    if (redis) await stopRedis(redis)
  })

  const signIn = (): Promise<TokenReply> =>
    postToken(
      server,
      { grant_type: 'password', username: person.username, password: person.password },
      { authorization: basicAuthorization(legacy.client.id, legacy.secret ?? '') },
    )
  const outageLines = () => logLines(server.logs).filter((line) => line.redis === 'unreachable')
  const recoveryLines = () => logLines(server.logs).filter((line) => line.redis === 'reachable')

  test('503 temporarily_unavailable for every attempt while it is down, one log line, then recovery', async () => {
    assert.equal((await signIn()).status, 200)

    await stopRedis(redis)
    for (let attempt = 0; attempt < 5; attempt++) {
      const refused = await signIn()
      assert.equal(refused.status, 503, JSON.stringify(refused.json))
      assert.equal(refused.json.error, 'temporarily_unavailable')
    }
    // Client secrets cannot be guessed: clients go on authenticating, unthrottled, while Redis is away.
    const service503 = await postToken(
      server,
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization(service.client.id, service.secret ?? '') },
    )
    assert.equal(service503.status, 200)

    redis = await startRedis(port)
    let recovered: TokenReply | undefined
    for (let poll = 0; poll < POLLS && recovered?.status !== 200; poll++) {
      await sleep(POLL_MS)
      recovered = await signIn()
    }
    assert.equal(recovered?.status, 200, 'sign-in works again once Redis is back')

    assert.equal(outageLines().length, 1, 'one line for the outage, however many reconnections failed')
    assert.deepEqual(
      logLines(server.logs).filter((line) => (line.level as number) >= 50 && line.redis === undefined),
      [],
      'the requests refused meanwhile add no error lines (no stack per request)',
    )
    assert.equal(outageLines()[0]?.level, 50, 'at error level')
    assert.equal(recoveryLines().length, 1, 'and one when it is back')
    assert.deepEqual(
      printed.filter((line) => line.includes('ioredis')),
      [],
      'nothing printed outside the structured log',
    )
  })
})
