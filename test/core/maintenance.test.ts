import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sweepExpired } from '../../src/core/maintenance.ts'
import { openStores } from '../../src/store/index.ts'
import { recordingSink } from '../support/events.ts'
import {
  at,
  client,
  code,
  dynamicClient,
  grant,
  initialAccessToken,
  pushedRequest,
  refreshToken,
  session,
  testConfig,
  user,
} from '../support/fixtures.ts'

test('sweepExpired deletes expired codes, tokens and sessions and keeps live ones', async () => {
  const stores = await openStores('memory:')
  try {
    const owner = { client: client(), user: user() }
    await stores.clients.create(owner.client)
    await stores.users.create(owner.user)
    const family = grant(owner)
    await stores.grants.create(family)
    const expiredCode = code(owner, { expiresAt: at(10) })
    const liveCode = code(owner, { expiresAt: at(1000) })
    await stores.codes.create(expiredCode)
    await stores.codes.create(liveCode)
    const expiredToken = refreshToken(family, { expiresAt: at(10), absoluteExpiresAt: at(20) })
    const liveToken = refreshToken(family, { expiresAt: at(1000), absoluteExpiresAt: at(2000) })
    await stores.tokens.createRefreshToken(expiredToken)
    await stores.tokens.createRefreshToken(liveToken)
    const expiredSession = session(owner.user, { expiresAt: at(10) })
    await stores.sessions.create(expiredSession)

    const events = recordingSink()
    const deleted = await sweepExpired({
      stores,
      clock: { now: () => at(100) },
      config: testConfig(),
      events,
    })

    assert.equal(deleted, 3)
    assert.equal((await stores.codes.consume(expiredCode.digest, at(100))).kind, 'missing')
    assert.equal((await stores.codes.consume(liveCode.digest, at(100))).kind, 'ok')
    assert.equal(await stores.tokens.getRefreshToken(expiredToken.digest), null)
    assert.notEqual(await stores.tokens.getRefreshToken(liveToken.digest), null)
    assert.equal(await stores.sessions.get(expiredSession.digest), null)
  } finally {
    await stores.close()
  }
})

test('sweepExpired keeps a pushed request while its sign-in forms may still use it (10 minutes past expiry)', async () => {
  const stores = await openStores('memory:')
  try {
    const owner = client()
    await stores.clients.create(owner)
    const longGone = pushedRequest(owner, { expiresAt: at(10) })
    const signingIn = pushedRequest(owner, { expiresAt: at(500) })
    await stores.pushedRequests.create(longGone)
    await stores.pushedRequests.create(signingIn)

    const clock = { now: () => at(611) }
    assert.equal(await sweepExpired({ stores, clock, config: testConfig(), events: recordingSink() }), 1)
    assert.equal(await stores.pushedRequests.get(longGone.digest), null)
    assert.deepEqual(await stores.pushedRequests.get(signingIn.digest), signingIn)
  } finally {
    await stores.close()
  }
})

test('sweepExpired deletes dynamic clients never used within their lifetime, and spent initial access tokens', async () => {
  const stores = await openStores('memory:')
  try {
    const config = testConfig({ registration: { policy: 'open', unusedClientLifetime: 3600 } })
    const stale = dynamicClient({ createdAt: at(0) })
    const fresh = dynamicClient({ createdAt: at(3000) })
    const used = dynamicClient({ createdAt: at(0) })
    const operators = client({ createdAt: at(0) })
    for (const registered of [stale, fresh, used, operators]) await stores.clients.create(registered)
    await stores.clients.recordFirstUse(used.id, at(10))
    const live = initialAccessToken({ expiresAt: at(5000) })
    await stores.initialAccessTokens.create(initialAccessToken({ expiresAt: at(60) }))
    await stores.initialAccessTokens.create(live)
    const events = recordingSink()

    const deleted = await sweepExpired({ stores, clock: { now: () => at(3700) }, config, events })

    assert.equal(deleted, 2)
    assert.equal(await stores.clients.get(stale.id), null)
    for (const kept of [fresh, used, operators]) assert.notEqual(await stores.clients.get(kept.id), null)
    assert.deepEqual(await stores.initialAccessTokens.list(), [live])
    assert.deepEqual(events.events, [{ event: 'client_deleted', clientId: stale.id, reason: 'never_used' }])
  } finally {
    await stores.close()
  }
})
