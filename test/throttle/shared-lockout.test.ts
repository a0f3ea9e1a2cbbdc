import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { Redis } from 'ioredis'
import { MAX_PASSWORD_FAILURES } from '../../src/core/sessions.ts'
import { type RegisteredClient, tokenRequest } from '../lifecycle/tokens.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { connectRedis, deleteKeys, REDIS_URL } from './redis.ts'

// The prefix the server's Redis throttle writes under (src/server.ts); the usernames make the keys this run's.
const SERVER_PREFIX = 'keyward:throttle:password:'
const PASSWORD = 'correct horse battery'

/** One Keyward node: its own database, the shared Redis, and a password client registered on it. */
interface Node {
  readonly server: TestServer
  readonly client: RegisteredClient
}

describe('two nodes sharing one Redis share the password lockout', () => {
  const run = randomUUID().slice(0, 8)
  const usernames: string[] = []
  let redis: Redis
  let nodes: Node[] = []
  before(async () => {
    redis = await connectRedis()
    nodes = await Promise.all(
      [0, 1].map(async () => {
        const server = await startTestServer({ redisUrl: REDIS_URL })
        const client = await server.client({
          grantTypes: ['password'],
          redirectUris: [],
          allowLegacy: ['password'],
        })
        return { server, client }
      }),
    )
  })
  after(async () => {
    await Promise.all(nodes.map(({ server }) => server.close()))
    if (!redis) return
    for (const username of usernames) await deleteKeys(redis, `${SERVER_PREFIX}${username}`)
    redis.disconnect()
  })

  /** The same person on both nodes (each node has its own database here; in production they share one). */
  async function person(name: string): Promise<string> {
    const username = `${name}-${run}`
    usernames.push(username)
    for (const { server } of nodes) await server.user(username, PASSWORD)
    return username
  }

  const signIn = (node: Node | undefined, username: string, password: string) => {
    assert.ok(node)
    return tokenRequest(node.server, node.client, { grant_type: 'password', username, password })
  }

  test('failures on both nodes add up, and the lock holds on each', async () => {
    const [a, b] = nodes
    const username = await person('shared')
    for (let attempt = 1; attempt < MAX_PASSWORD_FAILURES; attempt++) {
      assert.equal((await signIn(a, username, `guess ${attempt}`)).status, 400)
    }
    assert.equal((await signIn(b, username, 'one guess on the other node')).status, 400)
    assert.equal(Number(await redis.get(`${SERVER_PREFIX}${username}`)), MAX_PASSWORD_FAILURES)

    for (const node of [a, b]) {
      const locked = await signIn(node, username, PASSWORD)
      assert.equal(locked.status, 400, 'the right password is refused on every node')
      assert.equal(locked.json.error, 'invalid_grant')
    }
  })

  test('a success on one node forgets the failures for both', async () => {
    const [a, b] = nodes
    const username = await person('forgiven')
    for (let attempt = 1; attempt < MAX_PASSWORD_FAILURES; attempt++)
      await signIn(a, username, `guess ${attempt}`)
    assert.equal((await signIn(b, username, PASSWORD)).status, 200)
    for (let attempt = 1; attempt < MAX_PASSWORD_FAILURES; attempt++)
      await signIn(b, username, `guess ${attempt}`)
    assert.equal((await signIn(a, username, PASSWORD)).status, 200, 'only four failures since the success')
  })
})
