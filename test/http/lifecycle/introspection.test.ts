import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose'
import { startTestServer } from '../../support/server.ts'
import {
  basicAuthorization,
  clientCredentials,
  clientPost,
  introspect,
  introspectRaw,
  refresh,
  revoke,
  tokensOf,
} from '../../support/oauth-client.ts'
import { grantTokens } from '../../support/flow.ts'
import { resourceServer, serviceClient } from '../../support/fixtures.ts'

// RFC 7662 §2.2: an inactive token says nothing more than that.
const INACTIVE_BODY = '{"active":false}'

const server = await startTestServer()
after(() => server.close())
const app = await server.client({ name: 'Photo app' })
const api = await resourceServer(server)

describe('introspection (RFC 7662)', () => {
  async function assertInactive(token: string): Promise<void> {
    const reply = await introspectRaw(server, api, token)
    assert.equal(reply.status, 200)
    assert.equal(reply.text, INACTIVE_BODY)
  }

  test('a client not registered to introspect is refused with 403, even for its own tokens', async () => {
    const tokens = await grantTokens(server, app, await server.user())
    const reply = await introspectRaw(server, app, tokens.accessToken)
    assert.equal(reply.status, 403)
    assert.equal(reply.text.includes('"active"'), false)
    assert.equal((JSON.parse(reply.text) as { error: string }).error, 'access_denied')
  })

  test('failed authentication is 401, with a Basic challenge only when Basic was used (RFC 7662 §2.3)', async () => {
    const basic = await fetch(`${server.issuer}/introspect`, {
      method: 'POST',
      headers: { authorization: basicAuthorization(api.client.id, 'wrong') },
      body: new URLSearchParams({ token: 'anything' }),
    })
    assert.equal(basic.status, 401)
    assert.match(basic.headers.get('www-authenticate') ?? '', /^Basic\b/)
    assert.equal(((await basic.json()) as { error: string }).error, 'invalid_client')

    const post = await clientPost(server, '/introspect', null, {
      token: 'anything',
      client_id: api.client.id,
      client_secret: 'wrong',
    })
    assert.equal(post.status, 401)
    assert.equal(post.headers.get('www-authenticate'), null)

    const anonymous = await clientPost(server, '/introspect', null, { token: 'anything' })
    assert.equal(anonymous.status, 401)
  })

  test('an active JWT access token: every field, and no-store', async () => {
    const user = await server.user()
    const tokens = await grantTokens(server, app, user, 'read write')
    const claims = decodeJwt(tokens.accessToken)
    const reply = await introspectRaw(server, api, tokens.accessToken)
    assert.equal(reply.headers.get('cache-control'), 'no-store')
    assert.deepEqual(JSON.parse(reply.text), {
      active: true,
      scope: 'read write',
      client_id: app.client.id,
      sub: user.id,
      aud: [server.issuer],
      iss: server.issuer,
      exp: claims.exp,
      iat: claims.iat,
      token_type: 'Bearer',
      jti: claims.jti,
    })
    assert.equal(claims.exp, Number(claims.iat) + 600)
  })

  test('an active opaque access token: every field', async () => {
    const opaqueApp = await server.client({ name: 'Opaque app', accessTokenFormat: 'opaque' })
    const user = await server.user()
    const issuedAt = Math.floor(server.clock.now().getTime() / 1000)
    const tokens = await grantTokens(server, opaqueApp, user, 'read')
    assert.deepEqual(await introspect(server, api, tokens.accessToken), {
      active: true,
      scope: 'read',
      client_id: opaqueApp.client.id,
      sub: user.id,
      aud: [server.issuer],
      iss: server.issuer,
      exp: issuedAt + 600,
      iat: issuedAt,
      token_type: 'Bearer',
    })
  })

  test('an active refresh token: every field, and a token_type no resource server accepts', async () => {
    const user = await server.user()
    const issuedAt = Math.floor(server.clock.now().getTime() / 1000)
    const tokens = await grantTokens(server, app, user, 'write')
    assert.deepEqual(await introspect(server, api, tokens.refreshToken), {
      active: true,
      scope: 'write',
      client_id: app.client.id,
      sub: user.id,
      iss: server.issuer,
      exp: issuedAt + 14 * 24 * 60 * 60,
      iat: issuedAt,
      token_type: 'refresh_token',
    })
  })

  test('a client-credentials JWT names the client as its subject', async () => {
    const service = await serviceClient(server)
    const token = tokensOf(await clientCredentials(server, service)).accessToken
    const answer = await introspect(server, api, token)
    assert.equal(answer.active, true)
    assert.equal(answer.sub, service.client.id)
    assert.equal(answer.client_id, service.client.id)
    assert.equal(answer.scope, 'profile')
  })

  test('revoked and rotated tokens are exactly {"active":false}', async () => {
    const first = await grantTokens(server, app, await server.user())
    const rotated = tokensOf(await refresh(server, app, first.refreshToken))
    await assertInactive(first.refreshToken)
    assert.ok(rotated.refreshToken)
    await revoke(server, app, rotated.refreshToken)
    await assertInactive(rotated.refreshToken)
    await assertInactive(rotated.accessToken)
  })

  test('unknown and garbage tokens are exactly {"active":false}', async () => {
    for (const token of [
      `kw_at_${'A'.repeat(43)}`,
      `kw_rt_${'A'.repeat(43)}`,
      'garbage',
      'a.b.c',
      '....',
      '%00',
      'x'.repeat(4096),
    ]) {
      await assertInactive(token)
    }
  })

  test('a JWT signed by a foreign key, or unsigned, is exactly {"active":false}', async () => {
    const genuine = tokensOf(await clientCredentials(server, await serviceClient(server))).accessToken
    const claims = decodeJwt(genuine)
    const { kid } = decodeProtectedHeader(genuine)
    const { privateKey } = await generateKeyPair('ES256')
    // Same claims, same kid, same header: only the key differs.
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...(kid ? { kid } : {}) })
      .sign(privateKey)
    await assertInactive(forged)

    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
    await assertInactive(`${encode({ alg: 'none', typ: 'at+jwt' })}.${encode(claims)}.`)
    const [header, , signature] = genuine.split('.')
    await assertInactive(`${header}.${encode({ ...claims, scope: 'read write' })}.${signature}`)
  })

  test('expired access and refresh tokens are exactly {"active":false}', async () => {
    const shortLived = await server.client({
      name: 'Short-lived app',
      lifetimes: { accessToken: 30, refreshIdle: 60, refreshAbsolute: 120 },
    })
    const opaqueApp = await server.client({
      name: 'Short-lived opaque app',
      accessTokenFormat: 'opaque',
      lifetimes: { accessToken: 30 },
    })
    const jwt = await grantTokens(server, shortLived, await server.user())
    const opaque = await grantTokens(server, opaqueApp, await server.user())
    server.clock.advance(30)
    await assertInactive(jwt.accessToken)
    await assertInactive(opaque.accessToken)
    assert.equal((await introspect(server, api, jwt.refreshToken)).active, true)
    server.clock.advance(30)
    await assertInactive(jwt.refreshToken)
  })
})
