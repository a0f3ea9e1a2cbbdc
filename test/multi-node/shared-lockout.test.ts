// The coordinator adapts this test to the lockout redesign of issue 9 item 5 (per username and address,
// growing backoff, `keyward users unlock`), which another branch makes in parallel: it checks today's rule,
// that 5 wrong passwords for a username lock it, and only asks that the lock hold on every node.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Redis } from 'ioredis'
import { MAX_PASSWORD_FAILURES } from '../../src/core/sessions.ts'
import { type RegisteredClient, tokenRequest } from '../lifecycle/tokens.ts'
import type { ServerProcess } from '../support/server-process.ts'
import { connectRedis, deleteKeys, REDIS_URL } from '../throttle/redis.ts'
import { type Deployment, startDeployment } from './deployment.ts'

// The prefix the Redis throttle writes under; the username makes the key this run's own.
const THROTTLE_PREFIX = 'keyward:throttle:password:'

describe('two Keyward processes on one PostgreSQL database and one Redis: lockouts', () => {
  let deployment: Deployment
  let redis: Redis
  let a: ServerProcess
  let b: ServerProcess
  let app: RegisteredClient
  let username = ''
  before(async () => {
    redis = await connectRedis()
    deployment = await startDeployment([{}, {}], { KEYWARD_REDIS_URL: REDIS_URL })
    ;[a, b] = deployment.nodes as [ServerProcess, ServerProcess]
    app = await deployment.addClient({
      grantTypes: ['password'],
      redirectUris: [],
      allowLegacy: ['password'],
    })
  })
  after(async () => {
    await deployment?.close()
    if (username !== '') await deleteKeys(redis, `${THROTTLE_PREFIX}${username}`)
    redis?.disconnect()
  })

  test('wrong passwords counted on node A lock the username on node B', async () => {
    const user = await deployment.addUser()
    username = user.username
    const signIn = (node: ServerProcess, password: string) =>
      tokenRequest(node, app, { grant_type: 'password', username, password })
    for (let attempt = 1; attempt <= MAX_PASSWORD_FAILURES; attempt++) {
      assert.equal((await signIn(a, `guess ${attempt}`)).status, 400)
    }
    const locked = await signIn(b, user.password)
    assert.equal(locked.status, 400, 'the right password is refused on the other node')
    assert.equal(locked.json.error, 'invalid_grant')
  })
})
