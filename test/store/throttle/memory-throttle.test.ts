import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { ThrottlePolicy } from '../../../src/core/ports/throttle.ts'
import { memoryThrottle } from '../../../src/store/throttle/memory-throttle.ts'
import { testClock } from '../../support/clock.ts'
import { throttleContract } from './contract.ts'

describe('memory throttle (fake clock)', () => {
  const clock = testClock()
  const throttle = memoryThrottle(clock)
  throttleContract(() => ({ throttle, unit: 60, elapse: async (seconds) => clock.advance(seconds) }))
})

describe('memory throttle under a flood of keys', () => {
  const lockout: ThrottlePolicy = {
    limit: 5,
    windowSeconds: 3600,
    backoff: { firstSeconds: 60, maxSeconds: 3600 },
  }
  const budget: ThrottlePolicy = { limit: 2, windowSeconds: 3600 }

  /** Charges a key up to its limit: it waits from then on. */
  async function exhaust(throttle: ReturnType<typeof memoryThrottle>, key: string, policy: ThrottlePolicy) {
    for (let attempt = 0; attempt < policy.limit; attempt++) await throttle.take(key, policy)
    assert.equal((await throttle.take(key, policy)).allowed, false)
  }

  test('120,000 new keys (an address flood) neither clear a wait nor grow memory without bound', async () => {
    const clock = testClock()
    const throttle = memoryThrottle(clock)
    await exhaust(throttle, 'sign-in:victim', lockout)
    await throttle.take('flood-first', budget)
    for (let i = 0; i < 120_000; i++) await throttle.take(`flood-${i}`, budget)

    const decision = await throttle.take('sign-in:victim', lockout)
    assert.equal(decision.allowed, false, 'the wait survived the flood')
    assert.ok(await throttle.waitFor('sign-in:victim'), 'and is still told')
    // Bounded: the oldest counts under the limit made room. Once forgotten, a key starts from one again:
    // with a limit of two, its second attempt is allowed, where it would otherwise start the wait.
    await throttle.take('flood-first', budget)
    assert.equal(await throttle.waitFor('flood-first'), 0, 'the oldest count under the limit was forgotten')
    await throttle.take('flood-119999', budget)
    assert.ok((await throttle.waitFor('flood-119999')) > 0, 'the newest count is still there')
  })

  test('when waits fill their room, a new wait is refused at once rather than another dropped', async () => {
    const clock = testClock()
    const throttle = memoryThrottle(clock, { maxKeys: 10 })
    for (let key = 0; key < 10; key++) await exhaust(throttle, `held-${key}`, budget)
    // The eleventh key to reach its limit finds no room: its attempt is refused, as if it had to wait.
    await throttle.take('late', budget)
    const refused = await throttle.take('late', budget)
    assert.equal(refused.allowed, false)
    for (let key = 0; key < 10; key++) {
      assert.ok((await throttle.waitFor(`held-${key}`)) > 0, `held-${key} still waits`)
    }
    // Counts under the limit never take a wait's room, and waits that end make room again.
    for (let key = 0; key < 50; key++) await throttle.take(`fresh-${key}`, budget)
    clock.advance(budget.windowSeconds)
    await throttle.take('late', budget)
    assert.equal((await throttle.take('late', budget)).allowed, true, 'room again once the waits ended')
    assert.ok((await throttle.waitFor('late')) > 0)
  })
})
