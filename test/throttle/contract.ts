import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Throttle } from '../../src/core/ports/throttle.ts'

/** A throttle under test, with a way to let its windows run out. */
export interface ThrottleFixture {
  readonly throttle: Throttle
  /** The window the tests use, in seconds: short where real time must pass. */
  readonly windowSeconds: number
  /** Lets `seconds` pass for the throttle: a fake clock moves, or real time goes by. */
  elapse(seconds: number): Promise<void>
}

/** What every Throttle must do, whatever keeps the counts (DESIGN §8.10: one contract, every implementation). */
export function throttleContract(fixture: () => ThrottleFixture): void {
  let keys = 0
  // Each test counts under keys of its own, so tests never see each other's attempts.
  const freshKey = () => `contract-${++keys}`

  test('each hit returns the running count, from 1; keys are counted apart', async () => {
    const { throttle, windowSeconds } = fixture()
    const [key, other] = [freshKey(), freshKey()]
    for (let expected = 1; expected <= 4; expected++) {
      assert.equal(await throttle.hit(key, windowSeconds), expected)
    }
    assert.equal(await throttle.hit(other, windowSeconds), 1)
    assert.equal(await throttle.hit(key, windowSeconds), 5)
  })

  test('reset forgets one key, and counting starts over', async () => {
    const { throttle, windowSeconds } = fixture()
    const [key, other] = [freshKey(), freshKey()]
    await throttle.hit(key, windowSeconds)
    await throttle.hit(key, windowSeconds)
    await throttle.hit(other, windowSeconds)
    await throttle.reset(key)
    assert.equal(await throttle.hit(key, windowSeconds), 1)
    assert.equal(await throttle.hit(other, windowSeconds), 2)
  })

  test('refund takes back one attempt, never going below zero or outliving the window', async () => {
    const { throttle, windowSeconds, elapse } = fixture()
    const [key, never] = [freshKey(), freshKey()]
    await throttle.hit(key, windowSeconds)
    await throttle.hit(key, windowSeconds)
    await throttle.refund(key)
    assert.equal(await throttle.hit(key, windowSeconds), 2, 'one of two taken back')
    await throttle.refund(key)
    await throttle.refund(key)
    await throttle.refund(key)
    assert.equal(await throttle.hit(key, windowSeconds), 1, 'not below zero')
    await throttle.refund(never)
    assert.equal(await throttle.hit(never, windowSeconds), 1, 'a refund before any hit is no credit')
    await elapse(windowSeconds)
    await throttle.refund(never)
    assert.equal(await throttle.hit(never, windowSeconds), 1, 'nor one after the window ended')
  })

  test('the count ends with its window, which later hits do not extend', async () => {
    const { throttle, windowSeconds, elapse } = fixture()
    const key = freshKey()
    await throttle.hit(key, windowSeconds)
    await elapse(windowSeconds * 0.6)
    assert.equal(await throttle.hit(key, windowSeconds), 2, 'still the same window')
    await elapse(windowSeconds * 0.4)
    assert.equal(await throttle.hit(key, windowSeconds), 1, 'the window began with the first hit: a new one')
  })
}
