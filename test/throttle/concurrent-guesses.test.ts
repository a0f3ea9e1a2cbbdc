import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { EndpointContext } from '../../src/core/context.ts'
import { findPendingDevice, USER_CODE_MAX_ATTEMPTS } from '../../src/core/endpoints/device-authorization.ts'
import type { DeviceCodeStore, UserStore } from '../../src/core/ports/stores.ts'
import { authenticateUser, MAX_PASSWORD_FAILURES } from '../../src/core/sessions.ts'
import { memoryThrottle } from '../../src/store/throttle/memory-throttle.ts'
import { deviceClient, startDevice } from '../device/device-flow.ts'
import { testClock } from '../support/clock.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

describe('the password lockout holds against guesses sent at once', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(() => server.close())

  test(`of twenty concurrent guesses, only ${MAX_PASSWORD_FAILURES} are checked`, async () => {
    const user = await server.user()
    // The real user store, counting the lookups: each one is a password the server went on to check.
    const { users } = server.core.stores
    const checked: string[] = []
    const counting: UserStore = {
      ...users,
      getByUsername: (username) => {
        checked.push(username)
        return users.getByUsername(username)
      },
    }
    const ctx = { stores: { ...server.core.stores, users: counting }, throttle: memoryThrottle(testClock()) }

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, guess) =>
        authenticateUser({ username: user.username, password: `guess ${guess}`, address: '192.0.2.1' }, ctx),
      ),
    )
    assert.deepEqual(results, Array(20).fill(null))
    assert.equal(checked.length, MAX_PASSWORD_FAILURES)
    assert.equal(
      await authenticateUser({ ...user, address: '192.0.2.1' }, ctx),
      null,
      'and the username is locked',
    )
  })
})

describe('user-code guessing holds against guesses sent at once', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(() => server.close())

  /** The server's endpoint context over a fresh throttle, with the user-code lookups counted. */
  function countingContext(): { ctx: EndpointContext; lookups: () => number } {
    const { deviceCodes } = server.core.stores
    let lookups = 0
    const counting: DeviceCodeStore = {
      ...deviceCodes,
      getByUserCode: (userCodeDigest) => {
        lookups++
        return deviceCodes.getByUserCode(userCodeDigest)
      },
    }
    const ctx: EndpointContext = {
      ...server.core,
      stores: { ...server.core.stores, deviceCodes: counting },
      throttle: memoryThrottle(testClock()),
      findClient: (id) => server.core.stores.clients.get(id),
    }
    return { ctx, lookups: () => lookups }
  }

  test(`of thirty concurrent wrong codes, only ${USER_CODE_MAX_ATTEMPTS} are looked up`, async () => {
    const { ctx, lookups } = countingContext()
    // Well-formed codes (RFC 8628 §6.1 alphabet) that no device was given: each would cost a lookup.
    const letters = 'BCDFGHJKLMNPQRSTVWXZ'
    const guesses = Array.from(
      { length: 30 },
      (_, guess) => `BCDF-BC${letters[guess % 20]}${letters[guess >> 2]}`,
    )
    const results = await Promise.allSettled(
      guesses.map((typed) => findPendingDevice(typed, '192.0.2.7', ctx)),
    )
    assert.ok(results.every((result) => result.status === 'rejected'))
    assert.equal(lookups(), USER_CODE_MAX_ATTEMPTS)
  })

  test('a person entering the right codes of many devices in a row is never throttled', async () => {
    const { ctx } = countingContext()
    const device = await deviceClient(server, { name: 'Wall of screens' })
    for (let screen = 0; screen < USER_CODE_MAX_ATTEMPTS + 5; screen++) {
      const { userCode } = await startDevice(server, device)
      const pending = await findPendingDevice(userCode, '192.0.2.8', ctx)
      assert.equal(pending.userCode, userCode)
    }
  })
})
