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
    // Read through hits, the newest first: a hit of a forgotten key starts it over and makes room in turn.
    assert.equal(await sprayed.hit('spray-99999', 60), 2)
    assert.equal(await sprayed.hit('spray-0', 60), 2)
    assert.equal(await sprayed.hit('first', 60), 1, 'the oldest key made room')
    assert.equal(await sprayed.hit('second', 60), 1)
  })
})
