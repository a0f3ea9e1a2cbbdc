import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, test } from 'node:test'
import type { Redis } from 'ioredis'
import type { Throttle } from '../../src/core/ports/throttle.ts'
import { redisThrottle } from '../../src/store/throttle/redis-throttle.ts'
import { throttleContract } from './contract.ts'
import { connectRedis, deleteKeys } from './redis.ts'

// Redis keeps its own time, so windows here are real: one second, waited out with a small margin.
const MARGIN_MS = 50

describe('Redis throttle (real Redis, 1-second windows)', () => {
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
    windowSeconds: 1,
    elapse: (seconds) => sleep(seconds * 1000 + MARGIN_MS),
  }))

  test('counts live under the prefix and expire with their window', async () => {
    await throttle.hit('expiring', 1)
    const ttl = await redis.pttl(`${prefix}expiring`)
    assert.ok(ttl > 0 && ttl <= 1000, `a TTL of at most the window (${ttl} ms)`)
  })

  test('two throttles on one Redis share their counts', async () => {
    const connection = await connectRedis()
    try {
      const elsewhere = redisThrottle(connection, prefix)
      await throttle.hit('shared', 60)
      assert.equal(await elsewhere.hit('shared', 60), 2)
      assert.equal(await throttle.hit('shared', 60), 3)
      await elsewhere.reset('shared')
      assert.equal(await throttle.hit('shared', 60), 1)
    } finally {
      connection.disconnect()
    }
  })
})
