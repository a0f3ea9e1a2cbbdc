import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, test } from 'node:test'
import type { Redis } from 'ioredis'
import { verifyDpopProof } from '../../../src/core/dpop/proof.ts'
import { InvalidDpopProof, TemporarilyUnavailable } from '../../../src/core/errors.ts'
import { memoryReplayCache } from '../../../src/store/replay/memory-replay.ts'
import { redisReplayCache } from '../../../src/store/replay/redis-replay.ts'
import { testClock } from '../../support/clock.ts'
import { dpopKey, dpopProof } from '../../support/dpop.ts'
import { testConfig } from '../../support/fixtures.ts'
import { connectRedis, suiteRedis } from '../../support/redis.ts'

// The one-time values of client assertions (RFC 7523 §3 item 7) and DPoP proofs (RFC 9449 §11.1): accepted
// once, forgotten when they expire.

describe('replay cache in memory', () => {
  test('a value is claimed once; another value is not affected; it is forgotten after its time', async () => {
    const clock = testClock()
    const cache = memoryReplayCache(clock)
    assert.equal(await cache.claimOnce('a', 60), true)
    assert.equal(await cache.claimOnce('a', 60), false)
    assert.equal(await cache.claimOnce('b', 60), true)
    clock.advance(59)
    assert.equal(await cache.claimOnce('a', 60), false)
    clock.advance(2)
    assert.equal(await cache.claimOnce('a', 60), true)
  })

  test('a value claimed within a second is remembered for its whole ttl, fractions included', async () => {
    const clock = testClock()
    const cache = memoryReplayCache(clock)
    clock.advance(0.9)
    assert.equal(await cache.claimOnce('a', 1.5), true)
    clock.advance(1.49)
    assert.equal(await cache.claimOnce('a', 1.5), false)
    clock.advance(1.02)
    assert.equal(await cache.claimOnce('a', 1.5), true)
  })

  test('keys that differ only at their end are different values (the whole key counts)', async () => {
    const cache = memoryReplayCache(testClock())
    const prefix = `dpop:${'k'.repeat(43)}:https://auth.example/token:`
    assert.equal(await cache.claimOnce(`${prefix}jti-1`, 60), true)
    assert.equal(await cache.claimOnce(`${prefix}jti-2`, 60), true)
    assert.equal(await cache.claimOnce(`${prefix}jti-1`, 60), false)
    assert.equal(await cache.claimOnce(`${prefix}jti-2`, 60), false)
  })
})

describe('replay cache in Redis (real Redis)', () => {
  const prefix = `keyward-test:${randomUUID()}:`
  const redisOf = suiteRedis(prefix)

  test('two nodes on one Redis: a value one claimed, the other cannot; it expires with its time', async () => {
    const [first, second] = [redisReplayCache(redisOf(), prefix), redisReplayCache(redisOf(), prefix)]
    assert.equal(await first.claimOnce('jti-1', 0.3), true)
    assert.equal(await second.claimOnce('jti-1', 0.3), false)
    await sleep(400)
    assert.equal(await second.claimOnce('jti-1', 0.3), true)
  })

  test('a DPoP proof accepted by one node is a replay at the other (RFC 9449 §11.1)', async () => {
    const other = await connectRedis()
    try {
      const clock = testClock(new Date())
      const node = (connection: Redis) => ({
        config: testConfig(),
        clock,
        replay: redisReplayCache(connection, prefix),
      })
      const url = 'https://auth.example/token'
      const proof = await dpopProof(await dpopKey(), { htu: url })
      await verifyDpopProof(proof, { method: 'POST', url }, node(redisOf()))
      await assert.rejects(verifyDpopProof(proof, { method: 'POST', url }, node(other)), InvalidDpopProof)
    } finally {
      other.disconnect()
    }
  })

  test('values sent at once: exactly one claim wins', async () => {
    const cache = redisReplayCache(redisOf(), prefix)
    const claims = await Promise.all(Array.from({ length: 20 }, () => cache.claimOnce('jti-race', 10)))
    assert.equal(claims.filter(Boolean).length, 1)
  })

  test('while Redis cannot answer, a claim fails closed with temporarily_unavailable', async () => {
    const broken = { set: () => Promise.reject(new Error('Connection is closed.')) } as unknown as Redis
    await assert.rejects(redisReplayCache(broken, prefix).claimOnce('jti-2', 10), TemporarilyUnavailable)
  })
})
