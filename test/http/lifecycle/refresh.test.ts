import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { assertOneEvent, securityEvents } from '../../support/events.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import {
  assertOAuthError,
  introspect,
  refresh,
  type RegisteredClient,
  tokensOf,
} from '../../support/oauth-client.ts'
import { grantTokens, onlyGrantOf } from '../../support/flow.ts'
import { resourceServer } from '../../support/fixtures.ts'

const INACTIVE = { active: false }

describe('refresh_token (RFC 6749 §6, RFC 9700 §4.14.2)', () => {
  let server: TestServer
  let app: RegisteredClient
  let api: RegisteredClient
  before(async () => {
    server = await startTestServer()
    app = await server.client({ name: 'Photo app' })
    api = await resourceServer(server)
  })
  after(() => server.close())

  test('every use returns a new refresh token, and the one it replaced stops working', async () => {
    const user = await server.user()
    const first = await grantTokens(server, app, user)
    const second = tokensOf(await refresh(server, app, first.refreshToken))
    assert.ok(second.refreshToken)
    assert.notEqual(second.refreshToken, first.refreshToken)
    assert.notEqual(second.accessToken, first.accessToken)
    const third = tokensOf(await refresh(server, app, second.refreshToken))
    assert.ok(third.refreshToken)
    assert.notEqual(third.refreshToken, second.refreshToken)
    assertOAuthError(await refresh(server, app, first.refreshToken), 400, 'invalid_grant')
  })

  test('reusing a rotated refresh token revokes the whole grant', async () => {
    const logsBefore = server.logs.length
    const user = await server.user()
    const first = await grantTokens(server, app, user)
    const second = tokensOf(await refresh(server, app, first.refreshToken))
    assert.ok(second.refreshToken)
    assert.equal((await introspect(server, api, second.accessToken)).active, true)

    assertOAuthError(await refresh(server, app, first.refreshToken), 400, 'invalid_grant')

    // The thief may hold the newest token as well as the client: it dies too.
    assertOAuthError(await refresh(server, app, second.refreshToken), 400, 'invalid_grant')
    for (const token of [first.accessToken, second.accessToken, second.refreshToken]) {
      assert.deepEqual(await introspect(server, api, token), INACTIVE)
    }
    const grant = await onlyGrantOf(server, user.id)
    assert.notEqual(grant.revokedAt, null)
    assert.equal(grant.revokedReason, 'refresh_reuse')

    // The reuse is a security event with the client, grant, user and address: a warning to alert on.
    const reuse = assertOneEvent(securityEvents(server.logs.slice(logsBefore)), {
      event: 'refresh_token_reused',
      clientId: app.client.id,
      grantId: grant.id,
      userId: user.id,
      address: '127.0.0.1',
    })
    assert.equal(reuse.level, 40)
  })

  test('another client cannot use the token, and failing to does not burn it for its own client', async () => {
    const user = await server.user()
    const tokens = await grantTokens(server, app, user)
    const other = await server.client({ name: 'Other app' })
    const publicApp = await server.client({ name: 'Public app', type: 'public' })
    assertOAuthError(await refresh(server, other, tokens.refreshToken), 400, 'invalid_grant')
    assertOAuthError(await refresh(server, publicApp, tokens.refreshToken), 400, 'invalid_grant')

    tokensOf(await refresh(server, app, tokens.refreshToken))
    assert.equal((await onlyGrantOf(server, user.id)).revokedAt, null)
  })

  test('the scope may narrow, and the rotated refresh token keeps the original scope', async () => {
    const user = await server.user()
    const first = await grantTokens(server, app, user, 'read write')
    const narrowed = tokensOf(await refresh(server, app, first.refreshToken, 'read'))
    assert.equal(narrowed.scope, 'read')
    assert.equal(decodeJwt(narrowed.accessToken).scope, 'read')
    assert.ok(narrowed.refreshToken)
    assert.equal((await introspect(server, api, narrowed.refreshToken)).scope, 'read write')

    const full = tokensOf(await refresh(server, app, narrowed.refreshToken))
    assert.equal(full.scope, 'read write')
    assert.equal(decodeJwt(full.accessToken).scope, 'read write')
  })

  test('the scope never widens: invalid_scope, and the token stays usable', async () => {
    const user = await server.user()
    const tokens = await grantTokens(server, app, user, 'read')
    assertOAuthError(await refresh(server, app, tokens.refreshToken, 'read write'), 400, 'invalid_scope')
    // profile is allowed for the client, but was not part of this grant.
    assertOAuthError(await refresh(server, app, tokens.refreshToken, 'profile'), 400, 'invalid_scope')
    assert.equal(tokensOf(await refresh(server, app, tokens.refreshToken)).scope, 'read')
  })
})

describe('refresh token lifetimes', () => {
  let server: TestServer
  let api: RegisteredClient
  before(async () => {
    server = await startTestServer()
    api = await resourceServer(server)
  })
  after(() => server.close())

  test('idle expiry: each use extends the window, a token left idle longer dies', async () => {
    const shortLived = await server.client({ lifetimes: { refreshIdle: 100, refreshAbsolute: 1000 } })
    const serverDefaults = await server.client({})
    const user = await server.user()
    const first = await grantTokens(server, shortLived, user)
    const other = await grantTokens(server, serverDefaults, user)

    server.clock.advance(99)
    const second = tokensOf(await refresh(server, shortLived, first.refreshToken))
    server.clock.advance(99)
    // 198 s after the grant: alive, because the previous use reset the idle window.
    const third = tokensOf(await refresh(server, shortLived, second.refreshToken ?? ''))
    server.clock.advance(101)
    const idle = third.refreshToken ?? ''
    assert.deepEqual(await introspect(server, api, idle), INACTIVE)
    assertOAuthError(await refresh(server, shortLived, idle), 400, 'invalid_grant')

    // The lifetimes are the client's own: a client on the server defaults (14 days) is unaffected.
    tokensOf(await refresh(server, serverDefaults, other.refreshToken))
  })

  test("absolute expiry: no amount of use keeps a grant's refresh tokens alive past it", async () => {
    const registered = await server.client({ lifetimes: { refreshIdle: 100, refreshAbsolute: 250 } })
    const user = await server.user()
    let token = (await grantTokens(server, registered, user)).refreshToken
    for (const step of [90, 90, 60]) {
      server.clock.advance(step)
      const next = tokensOf(await refresh(server, registered, token))
      token = next.refreshToken ?? ''
    }
    const expiry = await introspect(server, api, token)
    assert.equal(expiry.active, true)
    // 240 s in, the last token was issued with 100 s of idle time, but the grant ends at 250 s.
    assert.equal(expiry.exp, Math.floor(server.clock.now().getTime() / 1000) + 10)

    server.clock.advance(20)
    assert.deepEqual(await introspect(server, api, token), INACTIVE)
    assertOAuthError(await refresh(server, registered, token), 400, 'invalid_grant')
  })
})

describe('refresh grace period (refreshGracePeriod)', () => {
  let server: TestServer
  let app: RegisteredClient
  before(async () => {
    server = await startTestServer({ refreshGracePeriod: 10 })
    app = await server.client({})
  })
  after(() => server.close())

  test('a retry within the window gets tokens in place of the answer it lost: one chain lives on', async () => {
    const user = await server.user()
    const first = await grantTokens(server, app, user)
    const answered = tokensOf(await refresh(server, app, first.refreshToken))
    // The client never saw that answer (a dropped connection) and retries.
    server.clock.advance(9)
    const retried = tokensOf(await refresh(server, app, first.refreshToken))
    assert.ok(retried.refreshToken)
    assert.notEqual(retried.refreshToken, answered.refreshToken)

    assert.equal((await onlyGrantOf(server, user.id)).revokedAt, null)
    const next = tokensOf(await refresh(server, app, retried.refreshToken))
    // The lost answer was superseded: whoever presents it holds a second copy of the family. Reuse.
    assertOAuthError(await refresh(server, app, answered.refreshToken ?? ''), 400, 'invalid_grant')
    assert.equal((await onlyGrantOf(server, user.id)).revokedReason, 'refresh_reuse')
    assertOAuthError(await refresh(server, app, next.refreshToken ?? ''), 400, 'invalid_grant')
  })

  test('a retry after the successor was used is reuse, even within the window', async () => {
    const user = await server.user()
    const first = await grantTokens(server, app, user)
    const answered = tokensOf(await refresh(server, app, first.refreshToken))
    // The client got the answer (it used it), so the old token in other hands is a replay.
    tokensOf(await refresh(server, app, answered.refreshToken ?? ''))
    server.clock.advance(1)
    assertOAuthError(await refresh(server, app, first.refreshToken), 400, 'invalid_grant')
    assert.equal((await onlyGrantOf(server, user.id)).revokedReason, 'refresh_reuse')
  })

  test('a use dated before the rotation (a node whose clock is behind) is reuse, not within the window', async () => {
    const user = await server.user()
    const first = await grantTokens(server, app, user)
    tokensOf(await refresh(server, app, first.refreshToken))
    server.clock.advance(-1)
    assertOAuthError(await refresh(server, app, first.refreshToken), 400, 'invalid_grant')
    assert.equal((await onlyGrantOf(server, user.id)).revokedReason, 'refresh_reuse')
    server.clock.advance(1)
  })

  test('after the window a second use is reuse and revokes the grant', async () => {
    const user = await server.user()
    const first = await grantTokens(server, app, user)
    const answered = tokensOf(await refresh(server, app, first.refreshToken))
    server.clock.advance(10)
    assertOAuthError(await refresh(server, app, first.refreshToken), 400, 'invalid_grant')
    assertOAuthError(await refresh(server, app, answered.refreshToken ?? ''), 400, 'invalid_grant')
    assert.equal((await onlyGrantOf(server, user.id)).revokedReason, 'refresh_reuse')
  })
})
