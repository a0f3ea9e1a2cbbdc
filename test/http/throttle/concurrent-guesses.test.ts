import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { CoreContext } from '../../../src/core/context.ts'
import { findPendingDevice, USER_CODE_POLICY } from '../../../src/core/endpoints/device-verification.ts'
import { TooManyRequests } from '../../../src/core/errors.ts'
import type { DeviceCodeStore, UserStore } from '../../../src/core/ports/stores.ts'
import { authenticateUser, SIGN_IN_PAIR_POLICY, SIGN_IN_SOURCE_POLICY } from '../../../src/core/sign-in.ts'
import { storedPeople } from '../../../src/core/users.ts'
import { memoryThrottle } from '../../../src/store/throttle/memory-throttle.ts'
import { deviceClient, startDevice } from '../../support/device-flow.ts'
import { testClock } from '../../support/clock.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

describe('sign-in throttling holds against guesses sent at once', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(() => server.close())

  /** The server's sign-in dependencies over a fresh throttle, with the user lookups (each a password checked) counted. */
  function countingContext() {
    const { users } = server.core.stores
    const checked: string[] = []
    const counting: UserStore = {
      ...users,
      getByUsername: (username) => {
        checked.push(username)
        return users.getByUsername(username)
      },
    }
    const ctx = {
      stores: server.core.stores,
      people: storedPeople(counting),
      throttle: memoryThrottle(testClock()),
      events: server.core.events,
    }
    return { ctx, checked }
  }

  test(`of twenty concurrent guesses at one password, only ${SIGN_IN_PAIR_POLICY.limit} are checked`, async () => {
    const user = await server.user()
    const { ctx, checked } = countingContext()
    const address = '192.0.2.1'
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, guess) =>
        authenticateUser({ username: user.username, password: `guess ${guess}`, address }, ctx),
      ),
    )
    const refused = results.filter(
      (result) => result.status === 'rejected' && result.reason instanceof TooManyRequests,
    )
    assert.equal(refused.length, 20 - SIGN_IN_PAIR_POLICY.limit)
    assert.equal(checked.length, SIGN_IN_PAIR_POLICY.limit)
    await assert.rejects(
      authenticateUser({ ...user, address }, ctx),
      TooManyRequests,
      'and that address waits',
    )
    assert.equal(checked.length, SIGN_IN_PAIR_POLICY.limit, 'without a check')
    const elsewhere = await authenticateUser({ ...user, address: '192.0.2.2' }, ctx)
    assert.equal(elsewhere?.id, user.id, 'while the person signs in from elsewhere')
  })

  test(`of ${SIGN_IN_SOURCE_POLICY.limit + 30} concurrent guesses at many usernames, only ${SIGN_IN_SOURCE_POLICY.limit} are checked`, async () => {
    const { ctx, checked } = countingContext()
    const guesses = SIGN_IN_SOURCE_POLICY.limit + 30
    const results = await Promise.allSettled(
      Array.from({ length: guesses }, (_, name) =>
        authenticateUser({ username: `sprayed-${name}`, password: 'Winter2026!', address: '192.0.2.3' }, ctx),
      ),
    )
    assert.equal(checked.length, SIGN_IN_SOURCE_POLICY.limit)
    assert.equal(results.filter((result) => result.status === 'rejected').length, 30)
  })
})

describe('user-code guessing holds against guesses sent at once', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(() => server.close())

  /** The server's endpoint context over a fresh throttle, with the user-code lookups counted. */
  function countingContext(): { ctx: CoreContext; lookups: () => number } {
    const { deviceCodes } = server.core.stores
    let lookups = 0
    const counting: DeviceCodeStore = {
      ...deviceCodes,
      getByUserCode: (userCodeDigest) => {
        lookups++
        return deviceCodes.getByUserCode(userCodeDigest)
      },
    }
    const ctx: CoreContext = {
      ...server.core,
      stores: { ...server.core.stores, deviceCodes: counting },
      throttle: memoryThrottle(testClock()),
    }
    return { ctx, lookups: () => lookups }
  }

  test(`of thirty concurrent wrong codes, only ${USER_CODE_POLICY.limit} are looked up`, async () => {
    const { ctx, lookups } = countingContext()
    // Well-formed codes (RFC 8628 §6.1 alphabet) that no device was given: each would cost a lookup.
    const letters = 'BCDFGHJKLMNPQRSTVWXZ'
    const guesses = Array.from(
      { length: 30 },
      (_, guess) => `BCDF-BC${letters[guess % 20]}${letters[guess >> 2]}`,
    )
    const results = await Promise.allSettled(
      guesses.map((typed) => findPendingDevice(typed, { address: '192.0.2.7', userId: null }, ctx)),
    )
    assert.ok(results.every((result) => result.status === 'rejected'))
    assert.equal(lookups(), USER_CODE_POLICY.limit)
  })

  test('a person entering the right codes of many devices in a row is never throttled', async () => {
    const { ctx } = countingContext()
    const device = await deviceClient(server, { name: 'Wall of screens' })
    for (let screen = 0; screen < USER_CODE_POLICY.limit + 5; screen++) {
      const { userCode } = await startDevice(server, device)
      const pending = await findPendingDevice(userCode, { address: '192.0.2.8', userId: null }, ctx)
      assert.equal(pending.userCode, userCode)
    }
  })
})
