import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Throttle, ThrottleDecision, ThrottlePolicy } from '../../../src/core/ports/throttle.ts'

/** A throttle under test, with a way to let time pass for it. */
export interface ThrottleFixture {
  readonly throttle: Throttle
  /** The time unit of the tests' policies, in seconds: short where real time must pass. */
  readonly unit: number
  /** Lets `seconds` pass for the throttle: a fake clock moves, or real time goes by. */
  elapse(seconds: number): Promise<void>
}

const allowed: ThrottleDecision = { allowed: true }

/** Asserts a refusal whose wait is more than `above` and at most `atMost` seconds (real time may have passed). */
function assertRefused(decision: ThrottleDecision, atMost: number, above = 0, message?: string): void {
  assert.equal(decision.allowed, false, message)
  if (decision.allowed) return
  assert.ok(
    decision.retryAfterSeconds > above && decision.retryAfterSeconds <= atMost,
    `${message ?? 'refused'}: wait ${decision.retryAfterSeconds} s, expected (${above}, ${atMost}]`,
  )
}

/** What every Throttle must do, whatever keeps the counts (architecture §9: one contract, every implementation). */
export function throttleContract(fixture: () => ThrottleFixture): void {
  let keys = 0
  // Each test counts under keys of its own, so tests never see each other's attempts.
  const freshKey = () => `contract-${++keys}`
  const windowed = (unit: number, limit = 3): ThrottlePolicy => ({ limit, windowSeconds: 4 * unit })
  const backoff = (unit: number, limit = 2): ThrottlePolicy => ({
    limit,
    windowSeconds: 4 * unit,
    backoff: { firstSeconds: unit, maxSeconds: 4 * unit },
  })

  test('attempts up to the limit are allowed, the last one starts the wait; keys count apart', async () => {
    const { throttle, unit } = fixture()
    const policy = windowed(unit)
    const [key, other] = [freshKey(), freshKey()]
    for (let attempt = 1; attempt <= policy.limit; attempt++) {
      assert.deepEqual(await throttle.take(key, policy), allowed, `attempt ${attempt}`)
    }
    assertRefused(await throttle.take(key, policy), policy.windowSeconds, policy.windowSeconds - unit)
    assert.deepEqual(await throttle.take(other, policy), allowed, 'another key is not affected')
    const wait = await throttle.waitFor(key)
    assert.ok(wait > 0 && wait <= policy.windowSeconds, `waitFor tells the wait (${wait} s)`)
    assert.equal(await throttle.waitFor(other), 0)
    assert.equal(await throttle.waitFor(freshKey()), 0, 'a key never seen may try')
  })

  test('attempts sent at once are charged one by one: exactly the limit gets through', async () => {
    const { throttle, unit } = fixture()
    const policy = windowed(unit, 5)
    const key = freshKey()
    const decisions = await Promise.all(Array.from({ length: 20 }, () => throttle.take(key, policy)))
    assert.equal(decisions.filter((decision) => decision.allowed).length, policy.limit)
  })

  test('a fixed window ends with its first attempt, later attempts do not extend it', async () => {
    const { throttle, unit, elapse } = fixture()
    const policy = windowed(unit)
    const key = freshKey()
    await throttle.take(key, policy)
    await elapse(2 * unit)
    await throttle.take(key, policy)
    await throttle.take(key, policy)
    assertRefused(await throttle.take(key, policy), 2 * unit, 0, 'waits for the rest of the window')
    await elapse(2 * unit)
    assert.deepEqual(await throttle.take(key, policy), allowed, 'a new window')
    assert.deepEqual(await throttle.take(key, policy), allowed, 'counted from one again')
  })

  test('refused attempts are not charged', async () => {
    const { throttle, unit, elapse } = fixture()
    const policy = backoff(unit)
    const key = freshKey()
    await throttle.take(key, policy)
    await throttle.take(key, policy)
    for (let refused = 0; refused < 5; refused++) assertRefused(await throttle.take(key, policy), unit)
    await elapse(unit)
    await throttle.take(key, policy)
    assertRefused(await throttle.take(key, policy), 2 * unit, unit, 'the third attempt, not the eighth')
  })

  test('backoff: the wait doubles with each further attempt, up to its maximum', async () => {
    const { throttle, unit, elapse } = fixture()
    const policy = backoff(unit)
    const key = freshKey()
    await throttle.take(key, policy)
    await throttle.take(key, policy)
    for (const wait of [1, 2, 4, 4]) {
      assertRefused(await throttle.take(key, policy), wait * unit, (wait / 2) * unit, `a wait of ${wait}`)
      await elapse(wait * unit)
      assert.deepEqual(await throttle.take(key, policy), allowed, `after a wait of ${wait}`)
    }
  })

  test('backoff: the count is forgotten a window after the last wait ended', async () => {
    const { throttle, unit, elapse } = fixture()
    const policy = backoff(unit)
    const key = freshKey()
    await throttle.take(key, policy)
    await throttle.take(key, policy)
    await elapse(unit + 3 * unit)
    await throttle.take(key, policy)
    assertRefused(await throttle.take(key, policy), 2 * unit, unit, 'still counted within the window')
    await elapse(2 * unit + 4 * unit)
    assert.deepEqual(await throttle.take(key, policy), allowed)
    assert.deepEqual(await throttle.take(key, policy), allowed, 'counted from one again')
    assertRefused(await throttle.take(key, policy), unit, 0, 'the first wait again')
  })

  test('reset forgets one key, its wait included', async () => {
    const { throttle, unit } = fixture()
    const policy = windowed(unit)
    const [key, other] = [freshKey(), freshKey()]
    for (let attempt = 0; attempt < policy.limit; attempt++) await throttle.take(key, policy)
    await throttle.take(other, policy)
    await throttle.reset(key)
    assert.equal(await throttle.waitFor(key), 0)
    for (let attempt = 0; attempt < policy.limit; attempt++) {
      assert.deepEqual(await throttle.take(key, policy), allowed)
    }
    await throttle.take(other, policy)
    await throttle.take(other, policy)
    assertRefused(await throttle.take(other, policy), policy.windowSeconds, 0, 'the other key kept its count')
  })

  test('refund takes back the last attempt and the wait it started, never going below zero', async () => {
    const { throttle, unit } = fixture()
    const policy = windowed(unit)
    const [key, never] = [freshKey(), freshKey()]
    for (let attempt = 0; attempt < policy.limit; attempt++) await throttle.take(key, policy)
    await throttle.refund(key)
    assert.equal(await throttle.waitFor(key), 0, 'the wait the last attempt started is lifted')
    assert.deepEqual(await throttle.take(key, policy), allowed)
    assertRefused(await throttle.take(key, policy), policy.windowSeconds, 0, 'earlier attempts stay counted')

    await throttle.refund(never)
    for (let attempt = 0; attempt < policy.limit; attempt++) {
      assert.deepEqual(
        await throttle.take(never, policy),
        allowed,
        'a refund before any attempt is no credit',
      )
    }
    for (let refund = 0; refund < policy.limit + 2; refund++) await throttle.refund(never)
    for (let attempt = 0; attempt < policy.limit; attempt++) await throttle.take(never, policy)
    assertRefused(await throttle.take(never, policy), policy.windowSeconds, 0, 'not below zero')
  })

  test('no credit for a refund after the window ended', async () => {
    const { throttle, unit, elapse } = fixture()
    const policy = windowed(unit)
    const key = freshKey()
    await throttle.take(key, policy)
    await elapse(policy.windowSeconds)
    await throttle.refund(key)
    for (let attempt = 0; attempt < policy.limit; attempt++) {
      assert.deepEqual(await throttle.take(key, policy), allowed)
    }
    assertRefused(await throttle.take(key, policy), policy.windowSeconds)
  })
}
