import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import type { Redis } from 'ioredis'
import { SIGN_IN_PAIR_POLICY, signInKeys } from '../../../src/core/sign-in.ts'
import type { ClockedKeywardProcess } from '../../support/keyward-process.ts'
import { fetchFrom } from '../../support/source-address.ts'
import { connectRedis, REDIS_URL } from '../../support/redis.ts'
import { type Deployment, startDeployment } from './deployment.ts'
import { basicAuthorization, postToken, type RegisteredClient } from '../../support/oauth-client.ts'

// The prefix the server's Redis throttle writes under (src/server.ts).
const SERVER_PREFIX = 'keyward:throttle:'
/** An address of this run's own: the shared Redis counts per address for every test that uses it. */
const randomAddress = () => `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(1, 255)}`

describe('two Keyward processes on one PostgreSQL database and one Redis: sign-in waits', () => {
  const attacker = randomAddress()
  const victim = randomAddress()
  let deployment: Deployment
  let redis: Redis
  let a: ClockedKeywardProcess
  let b: ClockedKeywardProcess
  let app: RegisteredClient
  let username = ''
  before(async () => {
    redis = await connectRedis()
    deployment = await startDeployment([{}, {}], { KEYWARD_REDIS_URL: REDIS_URL })
    ;[a, b] = deployment.nodes as [ClockedKeywardProcess, ClockedKeywardProcess]
    app = await deployment.addClient({
      grantTypes: ['password'],
      redirectUris: [],
      allowLegacy: ['password'],
    })
  })
  after(async () => {
    await deployment?.close()
    if (username !== '') {
      const keys = [attacker, victim].flatMap((from) => Object.values(signInKeys(username, from, null)))
      await redis.del(...keys.flatMap((key) => [`${SERVER_PREFIX}${key}`, `${SERVER_PREFIX}wait:${key}`]))
    }
    redis?.disconnect()
  })

  const signIn = (node: ClockedKeywardProcess, password: string, from: string) =>
    postToken(
      node,
      { grant_type: 'password', username, password },
      { authorization: basicAuthorization(app.client.id, app.secret ?? '') },
      fetchFrom(from),
    )

  test('wrong passwords counted on node A make that address wait on node B; another address signs in', async () => {
    const user = await deployment.addUser()
    username = user.username
    const { password } = user
    for (let attempt = 1; attempt <= SIGN_IN_PAIR_POLICY.limit; attempt++) {
      assert.equal((await signIn(a, `guess ${attempt}`, attacker)).status, 400)
    }
    const waiting = await signIn(b, password, attacker)
    assert.equal(waiting.status, 429, 'the right password waits on the other node, from that address')
    assert.equal(waiting.json.error, 'temporarily_unavailable')
    assert.ok(Number(waiting.headers.get('retry-after')) > 0)
    assert.equal(
      (await signIn(b, password, victim)).status,
      200,
      'the person signs in from their own address',
    )
  })
})
