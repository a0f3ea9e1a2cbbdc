import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import type { Redis } from 'ioredis'
import type { Throttle } from '../../../src/core/ports/throttle.ts'
import { redisThrottle } from '../../../src/store/throttle/redis-throttle.ts'
import { throttleContract } from './contract.ts'
import { connectRedis, deleteKeys } from '../../support/redis.ts'

// Redis keeps its own time, so waits here are real: a unit of 0.4 s, waited out with a small margin.
const MARGIN_MS = 50

describe('Redis throttle (real Redis, 0.4-second units)', () => {
  const prefix = `keyward-test:${randomUUID()}:`
  let redis: Redis
  let throttle: Throttle
  before(async () => {
    redis = await connectRedis()
    throttle = redisThrottle(redis, prefix)
  })
  after(async () => {
    if (!redis) return
    await deleteKeys(redis, prefix)
    redis.disconnect()
  })

  throttleContract(() => ({
    throttle,
    unit: 0.4,
    elapse: (seconds) => sleep(seconds * 1000 + MARGIN_MS),
  }))

  test('every key lives under the prefix and expires: nothing is left behind', async () => {
    const policy = { limit: 1, windowSeconds: 1, backoff: { firstSeconds: 1, maxSeconds: 1 } }
    await throttle.take('expiring', policy)
    const stored = await redis.keys(`${prefix}*expiring*`)
    assert.equal(stored.length, 2, 'the count and the wait')
    for (const key of stored) {
      const ttl = await redis.pttl(key)
      assert.ok(ttl > 0 && ttl <= 2000, `${key}: a TTL of at most the wait and the window (${ttl} ms)`)
    }
  })

  test('two throttles on one Redis share their counts and waits', async () => {
    const connection = await connectRedis()
    const policy = { limit: 3, windowSeconds: 60 }
    try {
      const elsewhere = redisThrottle(connection, prefix)
      await throttle.take('shared', policy)
      await elsewhere.take('shared', policy)
      await throttle.take('shared', policy)
      assert.equal((await elsewhere.take('shared', policy)).allowed, false)
      assert.ok((await throttle.waitFor('shared')) > 0)
      await elsewhere.reset('shared')
      assert.equal(await throttle.waitFor('shared'), 0)
      assert.equal((await throttle.take('shared', policy)).allowed, true)
    } finally {
      connection.disconnect()
    }
  })
})
