import assert from 'node:assert/strict'
import { randomInt, randomUUID } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { Redis } from 'ioredis'
import { SIGN_IN_PAIR_POLICY, signInKeys } from '../../../src/core/sign-in.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { fetchFrom } from '../../support/source-address.ts'
import { connectRedis, REDIS_URL } from '../../support/redis.ts'
import { basicAuthorization, postToken, type RegisteredClient } from '../../support/oauth-client.ts'

// The prefix the server's Redis throttle writes under (src/server.ts).
const SERVER_PREFIX = 'keyward:throttle:'
const PASSWORD = 'correct horse battery'

/** One Keyward node: its own database, the shared Redis, and a password client registered on it. */
interface Node {
  readonly server: TestServer
  readonly client: RegisteredClient
}

describe('two nodes sharing one Redis share the sign-in waits', () => {
  const run = randomUUID().slice(0, 8)
  // An address of this run's own: the shared Redis also counts per address, for every test that uses it.
  const address = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`
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
    const keys = usernames.flatMap((username) =>
      [address, '127.0.0.1'].flatMap((from) => Object.values(signInKeys(username, from, null))),
    )
    await redis.del(...keys.flatMap((key) => [`${SERVER_PREFIX}${key}`, `${SERVER_PREFIX}wait:${key}`]))
    redis.disconnect()
  })

  /** The same person on both nodes (each node has its own database here; in production they share one). */
  async function person(name: string): Promise<string> {
    const username = `${name}-${run}`
    usernames.push(username)
    for (const { server } of nodes) await server.user(username, PASSWORD)
    return username
  }

  const signIn = (node: Node | undefined, username: string, password: string, from = address) => {
    assert.ok(node)
    const { client, secret } = node.client
    return postToken(
      node.server,
      { grant_type: 'password', username, password },
      { authorization: basicAuthorization(client.id, secret ?? '') },
      fetchFrom(from),
    )
  }

  test('failures on both nodes add up, and the wait holds on each', async () => {
    const [a, b] = nodes
    const username = await person('shared')
    for (let attempt = 1; attempt < SIGN_IN_PAIR_POLICY.limit; attempt++) {
      assert.equal((await signIn(a, username, `guess ${attempt}`)).status, 400)
    }
    assert.equal((await signIn(b, username, 'one guess on the other node')).status, 400)
    const { pair } = signInKeys(username, address, null)
    assert.ok((await redis.pttl(`${SERVER_PREFIX}wait:${pair}`)) > 0, 'the wait is kept in Redis')

    for (const node of [a, b]) {
      const waiting = await signIn(node, username, PASSWORD)
      assert.equal(waiting.status, 429, 'the right password waits on every node')
      assert.equal(waiting.json.error, 'temporarily_unavailable')
      assert.equal(
        (await signIn(node, username, PASSWORD, '127.0.0.1')).status,
        200,
        'from another address the person signs in',
      )
    }
  })

  test('a success on one node forgets the failures for both', async () => {
    const [a, b] = nodes
    const username = await person('forgiven')
    for (let attempt = 1; attempt < SIGN_IN_PAIR_POLICY.limit; attempt++)
      await signIn(a, username, `guess ${attempt}`)
    assert.equal((await signIn(b, username, PASSWORD)).status, 200)
    for (let attempt = 1; attempt < SIGN_IN_PAIR_POLICY.limit; attempt++)
      await signIn(b, username, `guess ${attempt}`)
    assert.equal((await signIn(a, username, PASSWORD)).status, 200, 'only four failures since the success')
  })
})
