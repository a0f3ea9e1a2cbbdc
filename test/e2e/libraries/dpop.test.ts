import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import * as oauth from 'oauth4webapi'
import * as client from 'openid-client'
import Fastify, { type FastifyInstance } from 'fastify'
import {
  type AccessToken,
  createVerifier,
  requireScopeFastify,
} from '../../../packages/resource-server/src/index.ts'
import { followAuthorization, newBrowser } from '../../support/flow.ts'
import { discover, insecure } from '../../support/oauth4webapi.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// RFC 9449 DPoP with two client libraries nobody here wrote, on their default settings: oauth4webapi's DPoP
// handle and openid-client 6's getDPoPHandle. The libraries make every proof and check every response.

let server: TestServer
let user: Awaited<ReturnType<TestServer['user']>>
let as: oauth.AuthorizationServer
before(async () => {
  server = await startTestServer()
  user = await server.user()
  as = await discover(server.issuer)
})
after(() => server.close())

const REDIRECT_URI = 'http://127.0.0.1:8765/callback'

/** A public app that must bind every token (dpop_bound_access_tokens): openid, a refresh token. */
const publicApp = (name: string) =>
  server.client({
    name,
    type: 'public',
    redirectUris: ['http://127.0.0.1/callback'],
    scopes: ['openid', 'read'],
    defaultScopes: ['openid'],
    dpopBoundAccessTokens: true,
  })

/** A service gets a token with client credentials through oauth4webapi, with a DPoP handle of a new key. */
async function serviceToken(name: string) {
  const registered = await server.client({ name, grantTypes: ['client_credentials'], redirectUris: [] })
  const oauthClient: oauth.Client = { client_id: registered.client.id }
  const DPoP = oauth.DPoP(oauthClient, await oauth.generateKeyPair('ES256'))
  const tokens = await oauth.processClientCredentialsResponse(
    as,
    oauthClient,
    await oauth.clientCredentialsGrantRequest(
      as,
      oauthClient,
      oauth.ClientSecretBasic(registered.secret ?? ''),
      {},
      { DPoP, ...insecure },
    ),
  )
  return { clientId: registered.client.id, DPoP, tokens }
}

describe('oauth4webapi with a DPoP handle', () => {
  test('metadata advertises the proof algorithms', () => {
    assert.deepEqual(as.dpop_signing_alg_values_supported, ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'])
  })

  test('client credentials: a DPoP token the library validates as a resource server would', async () => {
    const { clientId, DPoP, tokens } = await serviceToken('oauth4webapi DPoP service')
    assert.equal(tokens.token_type, 'dpop')
    assert.deepEqual(decodeJwt(tokens.access_token).cnf, { jkt: await DPoP.calculateThumbprint() })

    // The request the library makes to an API, captured, then checked by the library's own RFC 9068 + RFC 9449
    // validation: the token's cnf.jkt, the proof's signature, htm, htu and ath.
    let sent: Request | undefined
    await oauth.protectedResourceRequest(
      tokens.access_token,
      'GET',
      new URL('https://api.example/reports'),
      undefined,
      undefined,
      {
        DPoP,
        [oauth.customFetch]: async (url, init) => {
          sent = new Request(url, { method: init.method, headers: init.headers })
          return new Response('{}')
        },
      },
    )
    assert.ok(sent)
    const claims = await oauth.validateJwtAccessToken(as, sent, server.issuer, {
      requireDPoP: true,
      ...insecure,
    })
    assert.equal(claims.client_id, clientId)
  })

  test('code flow with dpop_jkt, refresh with the same key, UserInfo; another key is refused', async () => {
    const registered = await publicApp('oauth4webapi DPoP app')
    const oauthClient: oauth.Client = { client_id: registered.client.id }
    const DPoP = oauth.DPoP(oauthClient, await oauth.generateKeyPair('ES256'))
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const url = new URL(as.authorization_endpoint ?? '')
    url.search = new URLSearchParams({
      client_id: oauthClient.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid read',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      dpop_jkt: await DPoP.calculateThumbprint(),
    }).toString()
    const callback = await followAuthorization(newBrowser(server.issuer), url.href, { user })
    const params = oauth.validateAuthResponse(as, oauthClient, callback, state)

    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      oauthClient,
      await oauth.authorizationCodeGrantRequest(
        as,
        oauthClient,
        oauth.None(),
        params,
        REDIRECT_URI,
        verifier,
        { DPoP, ...insecure },
      ),
    )
    assert.equal(tokens.token_type, 'dpop')
    assert.ok(tokens.refresh_token)

    const info = await oauth.processUserInfoResponse(
      as,
      oauthClient,
      user.id,
      await oauth.userInfoRequest(as, oauthClient, tokens.access_token, { DPoP, ...insecure }),
    )
    assert.equal(info.sub, user.id)

    // RFC 9449 §5: the refresh token is bound to the key; a thief's key is refused.
    const thief = oauth.DPoP(oauthClient, await oauth.generateKeyPair('ES256'))
    await assert.rejects(
      oauth.processRefreshTokenResponse(
        as,
        oauthClient,
        await oauth.refreshTokenGrantRequest(as, oauthClient, oauth.None(), tokens.refresh_token, {
          DPoP: thief,
          ...insecure,
        }),
      ),
      (error) => error instanceof oauth.ResponseBodyError && error.error === 'invalid_dpop_proof',
    )
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      oauthClient,
      await oauth.refreshTokenGrantRequest(as, oauthClient, oauth.None(), tokens.refresh_token, {
        DPoP,
        ...insecure,
      }),
    )
    assert.equal(refreshed.token_type, 'dpop')
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token)
  })
})

describe('openid-client 6 with getDPoPHandle', () => {
  test('code flow, UserInfo and refresh, every token DPoP-bound', async () => {
    const registered = await publicApp('openid-client DPoP app')
    const config = await client.discovery(
      new URL(server.issuer),
      registered.client.id,
      undefined,
      client.None(),
      { execute: [client.allowInsecureRequests] },
    )
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair())
    const verifier = client.randomPKCECodeVerifier()
    const nonce = client.randomNonce()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      dpop_jkt: await DPoP.calculateThumbprint(),
    })
    const callback = await followAuthorization(newBrowser(server.issuer), url.href, { user })
    const tokens = await client.authorizationCodeGrant(
      config,
      callback,
      { pkceCodeVerifier: verifier, expectedNonce: nonce, idTokenExpected: true },
      undefined,
      { DPoP },
    )
    assert.equal(tokens.token_type, 'dpop')
    const sub = tokens.claims()?.sub ?? ''
    assert.equal(sub, user.id)

    const info = await client.fetchUserInfo(config, tokens.access_token, sub, { DPoP })
    assert.equal(info.sub, user.id)

    assert.ok(tokens.refresh_token)
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, undefined, { DPoP })
    assert.equal(refreshed.token_type, 'dpop')
    const again = await client.fetchUserInfo(config, refreshed.access_token, sub, { DPoP })
    assert.equal(again.sub, user.id)
  })
})

describe('@keyward/resource-server with Keyward DPoP tokens and oauth4webapi proofs', () => {
  let api: FastifyInstance
  let reportsUrl: URL
  before(async () => {
    api = Fastify()
    const verifier = createVerifier({ issuer: server.issuer, audience: server.issuer })
    api.get('/reports', { preHandler: requireScopeFastify(verifier) }, async (request) => ({
      client: (request as { accessToken?: AccessToken }).accessToken?.clientId,
    }))
    reportsUrl = new URL(`${await api.listen({ host: '127.0.0.1', port: 0 })}/reports`)
  })
  after(() => api.close())

  test('a valid proof is accepted; as Bearer, replayed, or for another URL or method it is refused', async () => {
    const { clientId, DPoP, tokens } = await serviceToken('oauth4webapi DPoP reports job')
    const token = tokens.access_token
    // Every request the library makes is kept, to be sent again as an attacker would.
    const sent: Request[] = []
    const call = (method: string, url: URL) =>
      oauth.protectedResourceRequest(token, method, url, undefined, undefined, {
        DPoP,
        ...insecure,
        [oauth.customFetch]: async (target, init) => {
          const request = new Request(target, { method: init.method, headers: init.headers })
          sent.push(request.clone())
          return fetch(request)
        },
      })

    const accepted = await call('GET', reportsUrl)
    assert.equal(accepted.status, 200)
    assert.deepEqual(await accepted.json(), { client: clientId })

    const replayed = await fetch(sent[0] as Request)
    assert.equal(replayed.status, 401)
    assert.match(replayed.headers.get('www-authenticate') ?? '', /^DPoP algs=.*error="invalid_dpop_proof"/)

    const asBearer = await fetch(reportsUrl, { headers: { authorization: `Bearer ${token}` } })
    assert.equal(asBearer.status, 401)
    assert.match(asBearer.headers.get('www-authenticate') ?? '', /^DPoP algs=.*error="invalid_token"/)

    // A proof the library made for another URL, and one for another method, each sent to /reports with GET.
    await call('GET', new URL('/invoices', reportsUrl))
    await call('POST', reportsUrl)
    for (const other of sent.slice(-2)) {
      const headers = new Headers(other.headers)
      const response = await fetch(reportsUrl, { headers })
      assert.equal(response.status, 401)
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_dpop_proof')
    }
  })
})

describe('server nonces (RFC 9449 §8) with both libraries', () => {
  let strict: TestServer
  let strictUser: Awaited<ReturnType<TestServer['user']>>
  before(async () => {
    strict = await startTestServer({ dpopNonces: true })
    strictUser = await strict.user()
  })
  after(() => strict.close())

  test('openid-client retries on use_dpop_nonce by itself: code flow, UserInfo, refresh', async () => {
    const registered = await strict.client({
      name: 'openid-client DPoP nonce app',
      type: 'public',
      redirectUris: ['http://127.0.0.1/callback'],
      scopes: ['openid', 'read'],
      defaultScopes: ['openid'],
    })
    const config = await client.discovery(
      new URL(strict.issuer),
      registered.client.id,
      undefined,
      client.None(),
      { execute: [client.allowInsecureRequests] },
    )
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair())
    const verifier = client.randomPKCECodeVerifier()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    })
    const callback = await followAuthorization(newBrowser(strict.issuer), url.href, { user: strictUser })
    const tokens = await client.authorizationCodeGrant(
      config,
      callback,
      { pkceCodeVerifier: verifier },
      undefined,
      { DPoP },
    )
    assert.equal(tokens.token_type, 'dpop')
    const info = await client.fetchUserInfo(config, tokens.access_token, strictUser.id, { DPoP })
    assert.equal(info.sub, strictUser.id)
    assert.ok(tokens.refresh_token)
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token, undefined, { DPoP })
    assert.equal(refreshed.token_type, 'dpop')
  })

  test('oauth4webapi: isDPoPNonceError, then the retry with the nonce its handle kept', async () => {
    const strictAs = await discover(strict.issuer)
    const registered = await strict.client({
      name: 'oauth4webapi DPoP nonce service',
      grantTypes: ['client_credentials'],
      redirectUris: [],
    })
    const oauthClient: oauth.Client = { client_id: registered.client.id }
    const DPoP = oauth.DPoP(oauthClient, await oauth.generateKeyPair('ES256'))
    const request = async () =>
      oauth.processClientCredentialsResponse(
        strictAs,
        oauthClient,
        await oauth.clientCredentialsGrantRequest(
          strictAs,
          oauthClient,
          oauth.ClientSecretBasic(registered.secret ?? ''),
          {},
          { DPoP, ...insecure },
        ),
      )
    await assert.rejects(request(), (error) => oauth.isDPoPNonceError(error))
    const tokens = await request()
    assert.equal(tokens.token_type, 'dpop')
  })
})
