import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { memoryThrottle } from '../../src/store/throttle/memory-throttle.ts'
import { testClock } from '../support/clock.ts'
import { throttleContract } from './contract.ts'

describe('memory throttle (fake clock)', () => {
  const clock = testClock()
  const throttle = memoryThrottle(clock)
  throttleContract(() => ({
    throttle,
    windowSeconds: 15 * 60,
    elapse: async (seconds) => clock.advance(seconds),
  }))

  test('a spray of keys evicts the oldest windows instead of growing without bound', async () => {
    const sprayed = memoryThrottle(testClock())
    await sprayed.hit('first', 60)
    await sprayed.hit('second', 60)
    for (let i = 0; i < 100_000; i++) await sprayed.hit(`spray-${i}`, 60)
    assert.equal(await sprayed.count('first'), 0, 'the oldest key made room')
    assert.equal(await sprayed.count('second'), 0)
    assert.equal(await sprayed.count('spray-0'), 1)
    assert.equal(await sprayed.count('spray-99999'), 1)
  })
})
