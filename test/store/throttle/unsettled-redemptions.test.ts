import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import type { Redis } from 'ioredis'
import { pino } from 'pino'
import { OAuthError, TemporarilyUnavailable } from '../../../src/core/errors.ts'
import { authorizationCodeGrant } from '../../../src/core/grants/authorization-code.ts'
import { refreshTokenGrant } from '../../../src/core/grants/refresh-token.ts'
import { digest } from '../../../src/core/protocol/digest.ts'
import type { CoreContext } from '../../../src/core/context.ts'
import { serverTarget } from '../../../src/core/resources/audience.ts'
import { issueGrantTokens } from '../../../src/core/tokens/issue.ts'
import { openRuntime, type Runtime } from '../../../src/runtime.ts'
import { createMemoryStores } from '../../../src/store/memory/stores.ts'
import { memoryUnsettledRedemptions } from '../../../src/store/unsettled/memory-unsettled.ts'
import { redisUnsettledRedemptions } from '../../../src/store/unsettled/redis-unsettled.ts'
import { testClock } from '../../support/clock.ts'
import { cutOnce } from '../../support/cut-stores.ts'
import * as make from '../../support/fixtures.ts'
import { connectRedis, REDIS_URL, suiteRedis } from '../../support/redis.ts'

// The redemptions whose write was cut as it may have landed (src/core/ports/unsettled.ts): remembered with what
// they issued for a while, on one node in memory or for every node in Redis.

describe('unsettled redemptions in memory', () => {
  test('what a redemption issued is told until its time is up; another key is not affected', async () => {
    const clock = testClock()
    const unsettled = memoryUnsettledRedemptions(clock)
    await unsettled.remember('refresh_token:a', 'successor-1', 60)
    assert.equal(await unsettled.issuedBy('refresh_token:a'), 'successor-1')
    assert.equal(await unsettled.issuedBy('code:a'), null)
    // The retry's own failure replaces it.
    await unsettled.remember('refresh_token:a', 'successor-2', 60)
    clock.advance(59)
    assert.equal(await unsettled.issuedBy('refresh_token:a'), 'successor-2')
    clock.advance(1)
    assert.equal(await unsettled.issuedBy('refresh_token:a'), null)
  })

  test('bounded: past its capacity the oldest are forgotten first', async () => {
    const unsettled = memoryUnsettledRedemptions(testClock())
    for (let index = 0; index <= 10_000; index++) await unsettled.remember(`code:${index}`, 'grant', 600)
    assert.equal(await unsettled.issuedBy('code:0'), null)
    assert.equal(await unsettled.issuedBy('code:1'), 'grant')
    assert.equal(await unsettled.issuedBy('code:10000'), 'grant')
  })
})

describe('unsettled redemptions in Redis (real Redis)', () => {
  const prefix = `keyward-test:${randomUUID()}:`
  const redisOf = suiteRedis(prefix)

  test('what one node remembered the other tells, until its TTL is up', async () => {
    const [first, second] = [
      redisUnsettledRedemptions(redisOf(), prefix),
      redisUnsettledRedemptions(redisOf(), prefix),
    ]
    await first.remember('code:b', 'grant-1', 0.3)
    assert.equal(await second.issuedBy('code:b'), 'grant-1')
    assert.equal(await second.issuedBy('code:c'), null)
    await sleep(400)
    assert.equal(await second.issuedBy('code:b'), null)
  })

  test('while Redis cannot answer, telling fails with temporarily_unavailable', async () => {
    const broken = {
      get: () => Promise.reject(new Error('Connection is closed.')),
      set: () => Promise.reject(new Error('Connection is closed.')),
    } as unknown as Redis
    const unsettled = redisUnsettledRedemptions(broken, prefix)
    await assert.rejects(unsettled.issuedBy('code:d'), TemporarilyUnavailable)
    await assert.rejects(unsettled.remember('code:d', 'grant', 10), TemporarilyUnavailable)
  })
})

describe('two runtimes sharing one Redis and one database', () => {
  const stores = createMemoryStores()
  const config = make.testConfig({ redisUrl: REDIS_URL })
  const logger = pino({ level: 'silent' })
  let nodes: Runtime[] = []
  // What the tests' failures made the runtimes remember, deleted after: it would live on for ten minutes.
  const remembered: string[] = []
  before(async () => {
    nodes = await Promise.all([0, 1].map(() => openRuntime(config, logger, { stores, sweepsExpired: false })))
  })
  after(async () => {
    await Promise.all(nodes.map((node) => node.close()))
    const redis = await connectRedis()
    if (remembered.length > 0) await redis.del(...remembered)
    redis.disconnect()
  })

  /** Node A with its next redeeming write cut as it lands, node B well, and a person for a client of both. */
  async function twoNodes() {
    const [a, b] = nodes.map((node) => node.core) as [CoreContext, CoreContext]
    const owner = {
      client: make.client({ dpopBoundAccessTokens: false, defaultResources: [] }),
      user: make.user(),
    }
    await stores.clients.create(owner.client)
    await stores.users.create(owner.user)
    const on = (node: CoreContext) => ({ ...node, client: owner.client, address: '192.0.2.7', dpopJkt: null })
    return { a: on({ ...a, stores: cutOnce(stores, true) }), b: on(b), ...owner }
  }

  const unavailable = (error: unknown) =>
    error instanceof OAuthError && error.code === 'temporarily_unavailable'
  const revokedReasons = async (userId: string) =>
    (await stores.grants.listByUser(userId)).map((grant) => grant.revokedReason ?? 'live').sort()

  test('a rotation cut on node A, retried on node B: answered as a retry, the grant lives', async () => {
    const { a, b, client, user } = await twoNodes()
    const grant = make.grant({ client, user }, { resources: [] })
    await stores.grants.create(grant)
    const request = { client, grant, scope: grant.scope, dpopJkt: null, target: serverTarget(config) }
    const { refreshToken } = await issueGrantTokens(stores, request, b)
    assert.ok(refreshToken)
    // The prefix the runtime's Redis memory writes under (src/store/unsettled/redis-unsettled.ts).
    remembered.push(`keyward:unsettled:refresh_token:${digest(refreshToken)}`)
    const input = { refreshToken, scope: [], resources: [] }
    await assert.rejects(refreshTokenGrant.issue(input, a), unavailable)
    const retried = await refreshTokenGrant.issue(input, b)
    assert.ok(retried.refreshToken)
    assert.deepEqual(await revokedReasons(user.id), ['live'])
  })

  test('a code redemption cut on node A, retried on node B: tokens, not code reuse', async () => {
    const { a, b, client, user } = await twoNodes()
    const { code, verifier, record } = make.redeemableCode({ client, user }, a.clock.now())
    await stores.codes.create(record)
    remembered.push(`keyward:unsettled:code:${record.digest}`)
    const input = { code, codeVerifier: verifier, redirectUri: record.redirectUri, resources: [] }
    await assert.rejects(authorizationCodeGrant.issue(input, a), unavailable)
    const retried = await authorizationCodeGrant.issue(input, b)
    assert.ok(retried.refreshToken)
    assert.deepEqual(await revokedReasons(user.id), ['code_retry', 'live'])
  })
})
