import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { DEVICE_CODE } from '../../src/core/protocol/grant-types.ts'
import { decideOnPages, deviceClient, startDevice } from '../support/device-flow.ts'
import { type DpopKey, dpopKey, dpopProof } from '../support/dpop.ts'
import { authorizeCode, codeOf, newPkce } from '../support/flow.ts'
import {
  assertOAuthError,
  authentication,
  clientPost,
  postToken,
  type RegisteredClient,
  type TokenReply,
} from '../support/oauth-client.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// RFC 9449 over HTTP: every grant binds its tokens to the key of the request's DPoP proof; bound refresh tokens
// and codes need that key again; UserInfo takes bound tokens only with a proof.

let server: TestServer
let user: Awaited<ReturnType<TestServer['user']>>
let key: DpopKey
let otherKey: DpopKey
before(async () => {
  server = await startTestServer()
  user = await server.user()
  key = await dpopKey()
  otherKey = await dpopKey('EdDSA')
})
after(() => server.close())

const tokenUrl = () => `${server.issuer}/token`

/** A token request authenticated as `registered`, with a DPoP header when a proof (or a key) is given. */
async function tokenRequest(
  registered: RegisteredClient,
  form: Readonly<Record<string, string>>,
  proof?: DpopKey | string,
): Promise<TokenReply> {
  const auth = authentication(registered)
  const dpop =
    proof === undefined
      ? {}
      : {
          dpop:
            typeof proof === 'string' ? proof : await dpopProof(proof, { htu: tokenUrl(), ...alg(proof) }),
        }
  return postToken(server, { ...form, ...auth.form }, { ...auth.headers, ...dpop })
}

/** The header alg for the key's type. */
const alg = (of: DpopKey) => (of.publicJwk.kty === 'OKP' ? { header: { alg: 'EdDSA' } } : {})

/** A DPoP-bound token response: token_type DPoP, and the JWT names the key's thumbprint in cnf.jkt. */
function assertBoundTo(reply: TokenReply, to: DpopKey): void {
  assert.equal(reply.status, 200, JSON.stringify(reply.json))
  assert.equal(reply.json.token_type, 'DPoP')
  const token = String(reply.json.access_token)
  if (!token.startsWith('kw_at_')) assert.deepEqual(decodeJwt(token).cnf, { jkt: to.jkt })
}

async function introspect(token: string): Promise<Record<string, unknown>> {
  const resourceServer = await server.client({
    name: 'Orders API',
    grantTypes: ['client_credentials'],
    redirectUris: [],
    canIntrospect: true,
  })
  const reply = await clientPost(server, '/introspect', resourceServer, { token })
  return JSON.parse(reply.text) as Record<string, unknown>
}

const service = (registration: Parameters<TestServer['client']>[0] = {}) =>
  server.client({
    name: 'Billing job',
    grantTypes: ['client_credentials'],
    redirectUris: [],
    ...registration,
  })

const publicApp = () =>
  server.client({
    name: 'Native app',
    type: 'public',
    redirectUris: ['http://127.0.0.1/callback'],
    scopes: ['openid', 'profile', 'read'],
    defaultScopes: ['read'],
  })

/** A code for `registered`, requested with `params` (dpop_jkt), and its verifier. */
async function code(registered: RegisteredClient, params: Record<string, string> = {}) {
  const pkce = newPkce()
  const location = await authorizeCode(server, {
    client: registered.client,
    pkce,
    user,
    params: { scope: 'openid read', ...params },
  })
  return {
    grant_type: 'authorization_code',
    code: codeOf(location),
    code_verifier: pkce.verifier,
    redirect_uri: registered.client.redirectUris[0] ?? '',
  }
}

describe('DPoP at the token endpoint (RFC 9449 §5)', () => {
  test('client_credentials: a proof gets a DPoP token with cnf.jkt; none, a Bearer token', async () => {
    const registered = await service()
    const bound = await tokenRequest(registered, { grant_type: 'client_credentials' }, key)
    assertBoundTo(bound, key)
    const introspected = await introspect(String(bound.json.access_token))
    assert.equal(introspected.token_type, 'DPoP')
    assert.deepEqual(introspected.cnf, { jkt: key.jkt })

    const bearer = await tokenRequest(registered, { grant_type: 'client_credentials' })
    assert.equal(bearer.json.token_type, 'Bearer')
    assert.equal(decodeJwt(String(bearer.json.access_token)).cnf, undefined)
    const plain = await introspect(String(bearer.json.access_token))
    assert.equal(plain.token_type, 'Bearer')
    assert.equal(plain.cnf, undefined)
  })

  test('an opaque token keeps its key thumbprint for introspection (§6.2)', async () => {
    const registered = await service({ accessTokenFormat: 'opaque' })
    const bound = await tokenRequest(registered, { grant_type: 'client_credentials' }, otherKey)
    assertBoundTo(bound, otherKey)
    const introspected = await introspect(String(bound.json.access_token))
    assert.equal(introspected.token_type, 'DPoP')
    assert.deepEqual(introspected.cnf, { jkt: otherKey.jkt })
  })

  test('a replayed proof, or one for another URL or method, is 400 invalid_dpop_proof', async () => {
    const registered = await service()
    const proof = await dpopProof(key, { htu: tokenUrl() })
    assertBoundTo(await tokenRequest(registered, { grant_type: 'client_credentials' }, proof), key)
    const replayed = await tokenRequest(registered, { grant_type: 'client_credentials' }, proof)
    assertOAuthError(replayed, 400, 'invalid_dpop_proof')
    assert.match(String(replayed.json.error_description), /jti was used already/)
    // RFC 9449 §5: no challenge at the token endpoint.
    assert.equal(replayed.headers.get('www-authenticate'), null)

    const elsewhere = await dpopProof(key, { htu: `${server.issuer}/revoke` })
    assertOAuthError(
      await tokenRequest(registered, { grant_type: 'client_credentials' }, elsewhere),
      400,
      'invalid_dpop_proof',
    )
    const getProof = await dpopProof(key, { htu: tokenUrl(), htm: 'GET' })
    assertOAuthError(
      await tokenRequest(registered, { grant_type: 'client_credentials' }, getProof),
      400,
      'invalid_dpop_proof',
    )
  })

  test('a client registered with dpop_bound_access_tokens gets no token without a proof (§5.2)', async () => {
    const registered = await service({ dpopBoundAccessTokens: true })
    const refused = await tokenRequest(registered, { grant_type: 'client_credentials' })
    assertOAuthError(refused, 400, 'invalid_dpop_proof')
    assert.match(String(refused.json.error_description), /must send a DPoP proof/)
    assertBoundTo(await tokenRequest(registered, { grant_type: 'client_credentials' }, key), key)
  })

  test("authorization_code and refresh_token: a public client's refresh token needs the same key", async () => {
    const registered = await publicApp()
    const tokens = await tokenRequest(registered, await code(registered), key)
    assertBoundTo(tokens, key)
    const refreshToken = String(tokens.json.refresh_token)
    const refreshForm = { grant_type: 'refresh_token', refresh_token: refreshToken }

    const withoutProof = await tokenRequest(registered, refreshForm)
    assertOAuthError(withoutProof, 400, 'invalid_dpop_proof')
    assert.match(String(withoutProof.json.error_description), /bound to a DPoP key/)
    const anotherKey = await tokenRequest(registered, refreshForm, otherKey)
    assertOAuthError(anotherKey, 400, 'invalid_dpop_proof')
    assert.match(String(anotherKey.json.error_description), /another key/)
    // Neither failure rotated the token: its holder, with the key, still refreshes.
    const refreshed = await tokenRequest(registered, refreshForm, key)
    assertBoundTo(refreshed, key)
    const next = { grant_type: 'refresh_token', refresh_token: String(refreshed.json.refresh_token) }
    assertOAuthError(await tokenRequest(registered, next, otherKey), 400, 'invalid_dpop_proof')
  })

  test("a confidential client's refresh token is not bound: a new key binds the new access token", async () => {
    const registered = await server.client({
      name: 'Web app',
      scopes: ['openid', 'read'],
      defaultScopes: ['read'],
    })
    const tokens = await tokenRequest(registered, await code(registered), key)
    assertBoundTo(tokens, key)
    const refreshForm = { grant_type: 'refresh_token', refresh_token: String(tokens.json.refresh_token) }
    assertBoundTo(await tokenRequest(registered, refreshForm, otherKey), otherKey)
  })

  test('dpop_jkt binds the code: another key or no proof is refused, the same key redeems (§10)', async () => {
    const registered = await publicApp()
    const withOtherKey = await tokenRequest(
      registered,
      await code(registered, { dpop_jkt: key.jkt }),
      otherKey,
    )
    assertOAuthError(withOtherKey, 400, 'invalid_dpop_proof')
    assert.match(String(withOtherKey.json.error_description), /authorization code/)
    const withoutProof = await tokenRequest(registered, await code(registered, { dpop_jkt: key.jkt }))
    assertOAuthError(withoutProof, 400, 'invalid_dpop_proof')
    assertBoundTo(await tokenRequest(registered, await code(registered, { dpop_jkt: key.jkt }), key), key)
  })

  test('a malformed dpop_jkt is refused at the authorization endpoint', async () => {
    const registered = await publicApp()
    const location = await authorizeCode(server, {
      client: registered.client,
      user,
      params: { scope: 'read', dpop_jkt: 'not-a-thumbprint' },
    })
    assert.equal(location.searchParams.get('error'), 'invalid_request')
    assert.match(location.searchParams.get('error_description') ?? '', /dpop_jkt/)
  })

  test('device_code: the polling request binds the tokens', async () => {
    const registered = await deviceClient(server)
    const device = await startDevice(server, registered)
    await decideOnPages(server, device.userCode, user, 'approve')
    const tokens = await tokenRequest(
      registered,
      { grant_type: DEVICE_CODE, device_code: device.deviceCode },
      key,
    )
    assertBoundTo(tokens, key)
  })

  test('password: the legacy grant binds its tokens as well', async () => {
    const registered = await server.client({
      name: 'Old desktop app',
      grantTypes: ['password'],
      redirectUris: [],
      allowLegacy: ['password'],
    })
    const form = { grant_type: 'password', username: user.username, password: user.password }
    assertBoundTo(await tokenRequest(registered, form, key), key)
  })
})

describe('DPoP at UserInfo (RFC 9449 §7)', () => {
  const userinfoUrl = () => `${server.issuer}/userinfo`

  async function boundToken(): Promise<string> {
    const registered = await publicApp()
    const tokens = await tokenRequest(registered, await code(registered), key)
    assertBoundTo(tokens, key)
    return String(tokens.json.access_token)
  }

  const get = (authorization: string, dpop?: string) =>
    fetch(userinfoUrl(), { headers: { authorization, ...(dpop === undefined ? {} : { dpop }) } })

  test('Authorization: DPoP with a proof of the key (ath) is answered', async () => {
    const token = await boundToken()
    const proof = await dpopProof(key, { htm: 'GET', htu: userinfoUrl(), accessToken: token })
    const response = await get(`DPoP ${token}`, proof)
    assert.equal(response.status, 200)
    assert.equal(((await response.json()) as { sub: string }).sub, user.id)

    // The same proof again is a replay.
    const replayed = await get(`DPoP ${token}`, proof)
    assert.equal(replayed.status, 401)
    assert.match(
      replayed.headers.get('www-authenticate') ?? '',
      /^DPoP algs="[^"]+", error="invalid_dpop_proof"/,
    )
  })

  test('a bound token sent as Bearer is refused with a DPoP challenge (§7.2)', async () => {
    const token = await boundToken()
    const response = await get(`Bearer ${token}`)
    assert.equal(response.status, 401)
    assert.match(
      response.headers.get('www-authenticate') ?? '',
      /^DPoP algs="ES256 ES384 PS256 RS256 EdDSA", error="invalid_token", error_description="[^"]*DPoP/,
    )
  })

  test('no proof, a proof by another key, without ath or for POST: 401 invalid_dpop_proof', async () => {
    const token = await boundToken()
    const proofs = [
      undefined,
      await dpopProof(otherKey, {
        htm: 'GET',
        htu: userinfoUrl(),
        accessToken: token,
        header: { alg: 'EdDSA' },
      }),
      await dpopProof(key, { htm: 'GET', htu: userinfoUrl() }),
      await dpopProof(key, { htm: 'POST', htu: userinfoUrl(), accessToken: token }),
    ]
    for (const proof of proofs) {
      const response = await get(`DPoP ${token}`, proof)
      assert.equal(response.status, 401)
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_dpop_proof')
      assert.match(
        response.headers.get('www-authenticate') ?? '',
        /^DPoP algs="[^"]+", error="invalid_dpop_proof"/,
      )
    }
  })

  test('a DPoP token without openid: 403 insufficient_scope with a DPoP challenge', async () => {
    const registered = await publicApp()
    const tokens = await tokenRequest(registered, await code(registered, { scope: 'read' }), key)
    const token = String(tokens.json.access_token)
    const proof = await dpopProof(key, { htm: 'GET', htu: userinfoUrl(), accessToken: token })
    const response = await get(`DPoP ${token}`, proof)
    assert.equal(response.status, 403)
    assert.match(
      response.headers.get('www-authenticate') ?? '',
      /^DPoP algs="[^"]+", error="insufficient_scope", error_description="[^"]+", scope="openid"$/,
    )
  })

  test('a Bearer token sent as DPoP is refused', async () => {
    const registered = await publicApp()
    const tokens = await tokenRequest(registered, await code(registered))
    const token = String(tokens.json.access_token)
    const proof = await dpopProof(key, { htm: 'GET', htu: userinfoUrl(), accessToken: token })
    const response = await get(`DPoP ${token}`, proof)
    assert.equal(response.status, 401)
    assert.match(response.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_token"/)
  })
})

describe('DPoP nonces (RFC 9449 §8, §9), when the operator requires them', () => {
  let strict: TestServer
  before(async () => {
    strict = await startTestServer({ dpopNonces: true })
  })
  after(() => strict.close())

  test('token endpoint: use_dpop_nonce with DPoP-Nonce, the retry succeeds and gets a nonce', async () => {
    const registered = await strict.client({
      name: 'Billing job',
      grantTypes: ['client_credentials'],
      redirectUris: [],
    })
    const auth = authentication(registered)
    const request = async (claims: Record<string, string> = {}) =>
      postToken(
        strict,
        { grant_type: 'client_credentials', ...auth.form },
        { ...auth.headers, dpop: await dpopProof(key, { htu: `${strict.issuer}/token`, claims }) },
      )
    const challenged = await request()
    assertOAuthError(challenged, 400, 'use_dpop_nonce')
    const nonce = challenged.headers.get('dpop-nonce')
    assert.ok(nonce)
    assert.equal(challenged.headers.get('www-authenticate'), null)
    const retried = await request({ nonce })
    assertBoundTo(retried, key)
    assert.ok(retried.headers.get('dpop-nonce'))
  })

  test('UserInfo: 401 use_dpop_nonce with a DPoP challenge and DPoP-Nonce; the retry is answered', async () => {
    const registered = await strict.client({
      name: 'Native app',
      type: 'public',
      redirectUris: ['http://127.0.0.1/callback'],
      scopes: ['openid', 'read'],
      defaultScopes: ['openid'],
    })
    const person = await strict.user()
    const pkce = newPkce()
    const location = await authorizeCode(strict, { client: registered.client, pkce, user: person })
    const form = {
      grant_type: 'authorization_code',
      code: codeOf(location),
      code_verifier: pkce.verifier,
      redirect_uri: 'http://127.0.0.1/callback',
      client_id: registered.client.id,
    }
    const htu = `${strict.issuer}/token`
    const first = await postToken(strict, form, { dpop: await dpopProof(key, { htu }) })
    assertOAuthError(first, 400, 'use_dpop_nonce')
    const tokenNonce = first.headers.get('dpop-nonce') ?? ''
    const tokens = await postToken(strict, form, {
      dpop: await dpopProof(key, { htu, claims: { nonce: tokenNonce } }),
    })
    assertBoundTo(tokens, key)

    const token = String(tokens.json.access_token)
    const url = `${strict.issuer}/userinfo`
    const userinfo = async (claims: Record<string, string> = {}) =>
      fetch(url, {
        headers: {
          authorization: `DPoP ${token}`,
          dpop: await dpopProof(key, { htm: 'GET', htu: url, accessToken: token, claims }),
        },
      })
    const challenged = await userinfo({ nonce: 'made-up' })
    assert.equal(challenged.status, 401)
    assert.match(
      challenged.headers.get('www-authenticate') ?? '',
      /^DPoP algs="[^"]+", error="use_dpop_nonce"/,
    )
    const nonce = challenged.headers.get('dpop-nonce') ?? ''
    const answered = await userinfo({ nonce })
    assert.equal(answered.status, 200)
    assert.equal(((await answered.json()) as { sub: string }).sub, person.id)
  })
})
