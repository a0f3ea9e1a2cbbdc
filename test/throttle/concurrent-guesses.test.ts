import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { UserStore } from '../../src/core/ports/stores.ts'
import { authenticateUser, MAX_PASSWORD_FAILURES } from '../../src/core/sessions.ts'
import { memoryThrottle } from '../../src/store/throttle/memory-throttle.ts'
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
      Array.from({ length: 20 }, (_, guess) => authenticateUser(user.username, `guess ${guess}`, ctx)),
    )
    assert.deepEqual(results, Array(20).fill(null))
    assert.equal(checked.length, MAX_PASSWORD_FAILURES)
    assert.equal(
      await authenticateUser(user.username, user.password, ctx),
      null,
      'and the username is locked',
    )
  })
})
