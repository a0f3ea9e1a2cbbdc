import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { basicAuthorization, postToken } from '../../support/oauth-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { codeTokens, openIdClient } from './oidc-flow.ts'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

const CLAIMS = {
  name: 'Ada Lovelace',
  given_name: 'Ada',
  email: 'ada@example.org',
  email_verified: true,
  phone_number: '+44 20 7946 0000',
  address: { locality: 'London', country: 'GB' },
}

/** A person with claims signs in to a client; returns the token response. */
async function tokensFor(scope: string, registration: Parameters<TestServer['client']>[0] = {}) {
  const registered = await openIdClient(server, registration)
  const user = await server.user()
  await server.core.stores.users.setClaims(user.id, CLAIMS)
  const { json } = await codeTokens(server, registered, { params: { scope }, user })
  return { user, registered, json }
}

const userinfo = (token: string, init: RequestInit = {}) =>
  fetch(`${server.issuer}/userinfo`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...init.headers },
  })

describe('UserInfo (OpenID Connect Core §5.3)', () => {
  test('GET releases sub and the claims of the granted scopes only (§5.4)', async () => {
    const { user, json } = await tokensFor('openid email')
    const response = await userinfo(String(json.access_token))
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('cache-control'), 'no-store')
    assert.deepEqual(await response.json(), { sub: user.id, email: 'ada@example.org', email_verified: true })
  })

  test('profile releases the name, and the username as preferred_username; address and phone their own', async () => {
    const { user, json } = await tokensFor('openid profile address phone')
    const body = (await (await userinfo(String(json.access_token))).json()) as Record<string, unknown>
    assert.deepEqual(body, {
      sub: user.id,
      name: 'Ada Lovelace',
      given_name: 'Ada',
      preferred_username: user.username,
      address: { locality: 'London', country: 'GB' },
      phone_number: '+44 20 7946 0000',
    })
  })

  test('POST with the token in the header or in the form body (RFC 6750 §2.2); opaque tokens too', async () => {
    const { user, json } = await tokensFor('openid', { accessTokenFormat: 'opaque' })
    const token = String(json.access_token)
    assert.ok(token.startsWith('kw_at_'))
    const byHeader = await userinfo(token, { method: 'POST' })
    assert.deepEqual(await byHeader.json(), { sub: user.id })
    const byBody = await fetch(`${server.issuer}/userinfo`, {
      method: 'POST',
      body: new URLSearchParams({ access_token: token }),
    })
    assert.deepEqual(await byBody.json(), { sub: user.id })
    const both = await userinfo(token, { method: 'POST', body: new URLSearchParams({ access_token: token }) })
    assert.equal(both.status, 400)
  })

  test('no token: 401 with bare Bearer and DPoP challenges (RFC 6750 §3.1, RFC 9449 §7.1)', async () => {
    const response = await fetch(`${server.issuer}/userinfo`)
    assert.equal(response.status, 401)
    assert.equal(
      response.headers.get('www-authenticate'),
      'Bearer realm="keyward", DPoP algs="ES256 ES384 PS256 RS256 EdDSA"',
    )
  })

  test('an invalid, revoked or refresh token: 401 invalid_token', async () => {
    const { registered, json } = await tokensFor('openid')
    for (const token of ['nonsense', 'kw_at_unknown', String(json.refresh_token)]) {
      const response = await userinfo(token)
      assert.equal(response.status, 401, token)
      assert.match(
        response.headers.get('www-authenticate') ?? '',
        /^Bearer realm="keyward", error="invalid_token"/,
      )
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_token')
    }
    const revoked = await fetch(`${server.issuer}/revoke`, {
      method: 'POST',
      headers: { authorization: basicAuthorization(registered.client.id, registered.secret ?? '') },
      body: new URLSearchParams({ token: String(json.refresh_token) }),
    })
    assert.equal(revoked.status, 200)
    // Revoking the refresh token revokes the grant (RFC 7009 §2.1), and with it the access token.
    const afterRevocation = await userinfo(String(json.access_token))
    assert.equal(afterRevocation.status, 401)
  })

  test('a token without openid: 403 insufficient_scope naming openid', async () => {
    const { json } = await tokensFor('profile read')
    const response = await userinfo(String(json.access_token))
    assert.equal(response.status, 403)
    assert.match(response.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*scope="openid"/)
  })

  test('a client credentials token speaks for no person: 401', async () => {
    const registered = await server.client({
      grantTypes: ['client_credentials'],
      redirectUris: [],
      scopes: ['openid'],
      defaultScopes: ['openid'],
    })
    const reply = await postToken(
      server,
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization(registered.client.id, registered.secret ?? '') },
    )
    assert.equal(reply.status, 200, JSON.stringify(reply.json))
    assert.equal((await userinfo(String(reply.json.access_token))).status, 401)
  })

  test('CORS: a browser app may call it from any origin, GET and POST', async () => {
    const preflight = await fetch(`${server.issuer}/userinfo`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    })
    assert.equal(preflight.status, 204)
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET, POST')
    const response = await fetch(`${server.issuer}/userinfo`, { headers: { origin: 'https://app.example' } })
    assert.equal(response.headers.get('access-control-allow-origin'), '*')
  })
})
