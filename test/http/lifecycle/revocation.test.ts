import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { MAX_PARAMETER_LENGTH } from '../../../src/core/protocol/params.ts'
import { startTestServer } from '../../support/server.ts'
import {
  assertOAuthError,
  basicAuthorization,
  clientCredentials,
  introspect,
  refresh,
  revoke,
  tokensOf,
} from '../../support/oauth-client.ts'
import { grantTokens, onlyGrantOf } from '../../support/flow.ts'
import { resourceServer, serviceClient } from '../../support/fixtures.ts'

const INACTIVE = { active: false }

function errorOf(reply: { status: number; text: string }): { status: number; json: unknown } {
  return { status: reply.status, json: JSON.parse(reply.text) }
}

const server = await startTestServer()
after(() => server.close())
const app = await server.client({ name: 'Photo app' })
const api = await resourceServer(server)

describe('revocation (RFC 7009)', () => {
  async function assertRevoked(reply: { status: number; headers: Headers; text: string }): Promise<void> {
    // RFC 7009 §2.2: 200 and nothing to read, whatever happened to the token.
    assert.equal(reply.status, 200, reply.text)
    assert.equal(reply.text, '')
    assert.equal(reply.headers.get('cache-control'), 'no-store')
  }

  test('the client must authenticate (RFC 7009 §2.1): 401, and the token is left alone', async () => {
    const tokens = await grantTokens(server, app, await server.user())
    const anonymous = await revoke(server, null, tokens.refreshToken)
    assertOAuthError(errorOf(anonymous), 401, 'invalid_client')
    assert.equal(anonymous.headers.get('www-authenticate'), null)

    const wrongSecret = await fetch(`${server.issuer}/revoke`, {
      method: 'POST',
      headers: { authorization: basicAuthorization(app.client.id, 'not-the-secret') },
      body: new URLSearchParams({ token: tokens.refreshToken }),
    })
    assert.equal(wrongSecret.status, 401)
    assert.match(wrongSecret.headers.get('www-authenticate') ?? '', /^Basic\b/)
    assert.equal(((await wrongSecret.json()) as { error: string }).error, 'invalid_client')

    tokensOf(await refresh(server, app, tokens.refreshToken))
  })

  test('revoking a refresh token revokes its whole grant', async () => {
    const user = await server.user()
    const tokens = await grantTokens(server, app, user)
    await assertRevoked(await revoke(server, app, tokens.refreshToken))
    assertOAuthError(await refresh(server, app, tokens.refreshToken), 400, 'invalid_grant')
    assert.deepEqual(await introspect(server, api, tokens.accessToken), INACTIVE)
    assert.equal((await onlyGrantOf(server, user.id)).revokedReason, 'client_revoked')
  })

  test('a public client revokes its own tokens with its client_id alone', async () => {
    const spa = await server.client({ name: 'SPA', type: 'public' })
    const tokens = await grantTokens(server, spa, await server.user())
    await assertRevoked(await revoke(server, spa, tokens.refreshToken))
    assertOAuthError(await refresh(server, spa, tokens.refreshToken), 400, 'invalid_grant')
  })

  test('a revoked JWT access token is inactive to introspection', async () => {
    const tokens = await grantTokens(server, app, await server.user())
    assert.equal((await introspect(server, api, tokens.accessToken)).active, true)
    await assertRevoked(await revoke(server, app, tokens.accessToken))
    assert.deepEqual(await introspect(server, api, tokens.accessToken), INACTIVE)
  })

  test('a revoked opaque access token is inactive to introspection', async () => {
    const opaqueApp = await server.client({ name: 'Opaque app', accessTokenFormat: 'opaque' })
    const tokens = await grantTokens(server, opaqueApp, await server.user())
    assert.match(tokens.accessToken, /^kw_at_/)
    assert.equal((await introspect(server, api, tokens.accessToken)).active, true)
    await assertRevoked(await revoke(server, opaqueApp, tokens.accessToken))
    assert.deepEqual(await introspect(server, api, tokens.accessToken), INACTIVE)
  })

  test('a client-credentials JWT, never stored, stays revoked until it expires', async () => {
    const service = await serviceClient(server, { lifetimes: { accessToken: 60 } })
    const token = tokensOf(await clientCredentials(server, service)).accessToken
    const { jti, exp } = decodeJwt(token)
    assert.equal(await server.core.stores.tokens.getAccessToken(String(jti)), null)

    await assertRevoked(await revoke(server, service, token))
    assert.deepEqual(await introspect(server, api, token), INACTIVE)
    // The revocation is remembered exactly as long as the token could be used.
    const remembered = await server.core.stores.tokens.getAccessToken(String(jti))
    assert.notEqual(remembered?.revokedAt ?? null, null)
    assert.equal(remembered?.expiresAt.getTime(), Number(exp) * 1000)
    server.clock.advance(59)
    assert.deepEqual(await introspect(server, api, token), INACTIVE)

    server.clock.advance(1)
    await server.core.stores.tokens.deleteExpired(new Date(server.clock.now().getTime() + 1))
    assert.equal(await server.core.stores.tokens.getAccessToken(String(jti)), null)
    assert.deepEqual(await introspect(server, api, token), INACTIVE)
  })

  test('an unknown token is answered 200 and nothing changes', async () => {
    const tokens = await grantTokens(server, app, await server.user())
    for (const unknown of [`kw_rt_${'A'.repeat(43)}`, `kw_at_${'A'.repeat(43)}`, 'not-a-token', 'a.b.c']) {
      await assertRevoked(await revoke(server, app, unknown))
    }
    tokensOf(await refresh(server, app, tokens.refreshToken))
  })

  test("another client's tokens are answered 200 and left working (RFC 7009 §2.1)", async () => {
    const user = await server.user()
    const tokens = await grantTokens(server, app, user)
    const service = await serviceClient(server)
    const serviceToken = tokensOf(await clientCredentials(server, service)).accessToken
    const intruder = await server.client({ name: 'Intruder' })

    for (const token of [tokens.refreshToken, tokens.accessToken, serviceToken]) {
      await assertRevoked(await revoke(server, intruder, token))
    }
    assert.equal((await introspect(server, api, tokens.accessToken)).active, true)
    assert.equal((await introspect(server, api, serviceToken)).active, true)
    assert.equal((await onlyGrantOf(server, user.id)).revokedAt, null)
    tokensOf(await refresh(server, app, tokens.refreshToken))
  })

  test('token_type_hint is only a hint: a wrong or unknown one still revokes (RFC 7009 §2.1)', async () => {
    const first = await grantTokens(server, app, await server.user())
    await assertRevoked(await revoke(server, app, first.refreshToken, { token_type_hint: 'access_token' }))
    assertOAuthError(await refresh(server, app, first.refreshToken), 400, 'invalid_grant')

    const second = await grantTokens(server, app, await server.user())
    await assertRevoked(await revoke(server, app, second.accessToken, { token_type_hint: 'refresh_token' }))
    assert.deepEqual(await introspect(server, api, second.accessToken), INACTIVE)

    const third = await grantTokens(server, app, await server.user())
    await assertRevoked(await revoke(server, app, third.refreshToken, { token_type_hint: 'id_token' }))
    assertOAuthError(await refresh(server, app, third.refreshToken), 400, 'invalid_grant')
  })

  test('a request without a token is invalid_request', async () => {
    const reply = await fetch(`${server.issuer}/revoke`, {
      method: 'POST',
      headers: { authorization: basicAuthorization(app.client.id, app.secret ?? '') },
      body: new URLSearchParams({ token_type_hint: 'refresh_token' }),
    })
    assert.equal(reply.status, 400)
    assert.equal(((await reply.json()) as { error: string }).error, 'invalid_request')
  })

  test('an oversized token is invalid_request, never a 500', async () => {
    await assertRevoked(await revoke(server, app, 'x'.repeat(MAX_PARAMETER_LENGTH)))
    assertOAuthError(
      errorOf(await revoke(server, app, 'x'.repeat(MAX_PARAMETER_LENGTH + 1))),
      400,
      'invalid_request',
    )
    // Past the body limit the request is refused before it is parsed.
    assertOAuthError(errorOf(await revoke(server, app, 'x'.repeat(200_000))), 400, 'invalid_request')
  })

  test('a body that is not form-encoded is invalid_request, and revokes nothing', async () => {
    const tokens = await grantTokens(server, app, await server.user())
    const reply = await fetch(`${server.issuer}/revoke`, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(app.client.id, app.secret ?? ''),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ token: tokens.refreshToken }),
    })
    assert.equal(reply.status, 400)
    assert.equal(((await reply.json()) as { error: string }).error, 'invalid_request')
    tokensOf(await refresh(server, app, tokens.refreshToken))
  })
})
