import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { createLocalJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose'
import { PASSWORD_ACR } from '../../../src/core/oidc/acr.ts'
import { decideOnPages, deviceClient, poll, startDevice } from '../../support/device-flow.ts'
import { newBrowser } from '../../support/flow.ts'
import { basicAuthorization, postToken } from '../../support/oauth-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { codeTokens, openIdClient, type Registered } from './oidc-flow.ts'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

async function verifyIdToken(idToken: unknown, clientId: string): Promise<JWTPayload> {
  assert.equal(typeof idToken, 'string', 'an id_token in the token response')
  const jwks = (await (await fetch(`${server.issuer}/jwks.json`)).json()) as Parameters<
    typeof createLocalJWKSet
  >[0]
  // Core §3.1.3.7: signed by the issuer's key, for this client, not expired.
  const { payload, protectedHeader } = await jwtVerify(String(idToken), createLocalJWKSet(jwks), {
    issuer: server.issuer,
    audience: clientId,
    algorithms: ['RS256'],
  })
  assert.equal(protectedHeader.alg, 'RS256')
  return payload
}

async function codeFlow(params: Record<string, string>, registered: Registered) {
  const user = await server.user()
  const browser = newBrowser(server.issuer)
  const reply = await codeTokens(server, registered, { params, user, browser })
  return { user, reply, browser }
}

describe('ID tokens (OpenID Connect Core §2, §3.1.3)', () => {
  test('the code flow with openid returns an ID token with every claim Core §2 names', async () => {
    const registered = await openIdClient(server)
    const before = Math.floor(Date.now() / 1000)
    const { user, reply } = await codeFlow({ scope: 'openid profile', nonce: 'n-0S6_WzA2Mj' }, registered)
    const claims = await verifyIdToken(reply.json.id_token, registered.client.id)
    assert.equal(claims.sub, user.id)
    assert.equal(claims.nonce, 'n-0S6_WzA2Mj')
    assert.equal(claims.azp, registered.client.id)
    assert.deepEqual(claims.amr, ['pwd'])
    assert.ok(typeof claims.auth_time === 'number' && claims.auth_time >= before - 1)
    assert.ok(typeof claims.sid === 'string' && claims.sid.length >= 16)
    // Core §3.1.3.6: at_hash is the left half of SHA-256 of the access token.
    const hash = createHash('sha256').update(String(reply.json.access_token)).digest()
    assert.equal(claims.at_hash, hash.subarray(0, 16).toString('base64url'))
    assert.equal(claims.acr, PASSWORD_ACR)
    // The profile scope's claims, as UserInfo releases them: this person has only a username.
    assert.equal(claims.preferred_username, user.username)
    assert.equal(claims.name, undefined)
  })

  test('the sid is not the session cookie, and stays the same for the session', async () => {
    const registered = await openIdClient(server)
    const { reply, browser } = await codeFlow({ scope: 'openid' }, registered)
    const first = await verifyIdToken(reply.json.id_token, registered.client.id)
    for (const value of browser.cookies.values()) assert.ok(!value.includes(String(first.sid)))
    const second = await codeTokens(server, registered, { params: { scope: 'openid' }, browser })
    const claims = await verifyIdToken(second.json.id_token, registered.client.id)
    assert.equal(claims.sid, first.sid)
    assert.equal(claims.auth_time, first.auth_time)
    assert.equal(claims.nonce, undefined, 'no nonce was sent')
  })

  test('without openid there is no ID token: plain OAuth clients see no change', async () => {
    const registered = await openIdClient(server)
    const { reply } = await codeFlow({ scope: 'profile read' }, registered)
    assert.equal(reply.json.id_token, undefined)
    assert.equal(typeof reply.json.refresh_token, 'string')
  })

  test('a refresh returns a new ID token for the same sign-in, without the nonce (Core §12.2)', async () => {
    const registered = await openIdClient(server)
    const { reply } = await codeFlow({ scope: 'openid profile', nonce: 'refresh-nonce' }, registered)
    const first = await verifyIdToken(reply.json.id_token, registered.client.id)
    const refreshed = await postToken(
      server,
      { grant_type: 'refresh_token', refresh_token: String(reply.json.refresh_token) },
      { authorization: basicAuthorization(registered.client.id, registered.secret ?? '') },
    )
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.json))
    const claims = await verifyIdToken(refreshed.json.id_token, registered.client.id)
    // The scopes' claims come again, as the person's claims are now.
    for (const name of ['iss', 'sub', 'aud', 'auth_time', 'azp', 'sid', 'acr', 'preferred_username']) {
      assert.deepEqual(claims[name], first[name], name)
    }
    assert.equal(claims.nonce, undefined)
    // A refresh that narrows the scope without openid gets no ID token.
    const narrowed = await postToken(
      server,
      { grant_type: 'refresh_token', refresh_token: String(refreshed.json.refresh_token), scope: 'profile' },
      { authorization: basicAuthorization(registered.client.id, registered.secret ?? '') },
    )
    assert.equal(narrowed.status, 200, JSON.stringify(narrowed.json))
    assert.equal(narrowed.json.id_token, undefined)
  })

  test('the device flow with openid returns an ID token', async () => {
    const registered = await deviceClient(server, {
      scopes: ['openid', 'profile'],
      defaultScopes: ['openid'],
    })
    const user = await server.user()
    const codes = await startDevice(server, registered, { scope: 'openid profile' })
    await decideOnPages(server, codes.userCode, user, 'approve')
    const reply = await poll(server, registered, codes.deviceCode)
    assert.equal(reply.status, 200, JSON.stringify(reply.json))
    const claims = await verifyIdToken(reply.json.id_token, registered.client.id)
    assert.equal(claims.sub, user.id)
    // Core §2: when the person signed in on the verification page, and that browser session's sid.
    const [session] = await server.core.stores.sessions.listByUser(user.id)
    assert.equal(claims.auth_time, Math.floor((session?.authTime.getTime() ?? 0) / 1000))
    assert.equal(claims.sid, session?.sid)
  })

  test('access tokens keep the configured algorithm; the RS256 key is published beside it', async () => {
    const registered = await openIdClient(server)
    const { reply } = await codeFlow({ scope: 'openid' }, registered)
    assert.equal(decodeProtectedHeader(String(reply.json.access_token)).alg, 'ES256')
    const { keys } = (await (await fetch(`${server.issuer}/jwks.json`)).json()) as {
      keys: { alg: string; kty: string; d?: string }[]
    }
    const rsa = keys.find((key) => key.alg === 'RS256')
    assert.equal(rsa?.kty, 'RSA')
    assert.equal(rsa?.d, undefined)
  })
})
