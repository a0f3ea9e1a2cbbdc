import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair } from 'jose'
import * as oauth from 'oauth4webapi'
import * as openid from 'openid-client'
import { followAuthorization, newBrowser } from '../../support/flow.ts'
import { discover, insecure, pushedSignInWithDpop } from '../../support/oauth4webapi.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// RFC 9101 signed request objects made by two client libraries on their defaults: openid-client 6 by value
// (buildAuthorizationUrlWithJAR), then by value inside a pushed request; oauth4webapi's issueRequestObject pushed
// by a FAPI 2.0 client with private_key_jwt and DPoP. The one option is allowInsecureRequests, because the test
// issuer is http on loopback.

let server: TestServer
let user: Awaited<ReturnType<TestServer['user']>>
const REDIRECT_URI = 'https://client.example/callback'
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'client-key', alg: 'ES256', use: 'sig' }] }

before(async () => {
  server = await startTestServer()
  user = await server.user()
})
after(() => server.close())

/** An OpenID Connect client that signs its authorization requests and authenticates with the same key. */
async function openidClientConfig(): Promise<openid.Configuration> {
  const registered = await server.client({
    name: 'Signing app',
    tokenEndpointAuthMethod: 'private_key_jwt',
    jwks,
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'profile'],
    defaultScopes: ['openid'],
    requireSignedRequestObject: true,
  })
  return openid.discovery(
    new URL(server.issuer),
    registered.client.id,
    undefined,
    openid.PrivateKeyJwt(privateKey),
    { execute: [openid.allowInsecureRequests] },
  )
}

/** openid-client's signed authorization request (buildAuthorizationUrlWithJAR), with what completes it. */
async function signedRequest(scope: string) {
  const config = await openidClientConfig()
  const verifier = openid.randomPKCECodeVerifier()
  const nonce = openid.randomNonce()
  const url = await openid.buildAuthorizationUrlWithJAR(
    config,
    {
      redirect_uri: REDIRECT_URI,
      scope,
      code_challenge: await openid.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
    },
    privateKey,
  )
  return { config, verifier, nonce, url }
}

/** The person signs in from `url`; the library redeems the code and checks the ID token (sub, nonce). */
async function completeSignIn(flow: Awaited<ReturnType<typeof signedRequest>>, url: URL) {
  const callback = await followAuthorization(newBrowser(server.issuer), url.href, { user })
  const tokens = await openid.authorizationCodeGrant(flow.config, callback, {
    pkceCodeVerifier: flow.verifier,
    expectedNonce: flow.nonce,
    idTokenExpected: true,
  })
  assert.equal(tokens.claims()?.sub, user.id)
  return tokens
}

describe('signed request objects with real client libraries', () => {
  test('openid-client 6: buildAuthorizationUrlWithJAR, then the code flow with an ID token', async () => {
    const flow = await signedRequest('openid profile')
    assert.equal(flow.config.serverMetadata().request_parameter_supported, true)
    assert.deepEqual([...flow.url.searchParams.keys()].sort(), ['client_id', 'request'])
    const tokens = await completeSignIn(flow, flow.url)
    assert.equal(tokens.scope, 'openid profile')
  })

  test('openid-client 6: the request object pushed with buildAuthorizationUrlWithPAR', async () => {
    const flow = await signedRequest('openid')
    const url = await openid.buildAuthorizationUrlWithPAR(flow.config, flow.url.searchParams)
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri'])
    await completeSignIn(flow, url)
  })

  test('oauth4webapi: a FAPI 2.0 client pushes issueRequestObject, then redeems with DPoP', async () => {
    const registered = await server.client({
      name: 'FAPI signer',
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks,
      redirectUris: [REDIRECT_URI],
      securityProfile: 'fapi2',
      requireSignedRequestObject: true,
    })
    const as = await discover(server.issuer)
    assert.deepEqual(as.request_object_signing_alg_values_supported, ['RS256', 'PS256', 'ES256', 'EdDSA'])
    const client: oauth.Client = { client_id: registered.client.id }
    const clientAuth = oauth.PrivateKeyJwt({ key: privateKey, kid: 'client-key' })
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const request = await oauth.issueRequestObject(
      as,
      client,
      {
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'profile read',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      },
      { key: privateKey, kid: 'client-key' },
    )
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      client,
      await oauth.pushedAuthorizationRequest(as, client, clientAuth, { request }, insecure),
    )
    const tokens = await pushedSignInWithDpop({
      as,
      client,
      clientAuth,
      requestUri: pushed.request_uri,
      state,
      redirectUri: REDIRECT_URI,
      verifier,
      person: { user },
    })
    assert.equal(tokens.scope, 'profile read')
    assert.equal(tokens.token_type, 'dpop')

    // The same client pushing its parameters unsigned is refused.
    const plain = await oauth.pushedAuthorizationRequest(
      as,
      client,
      clientAuth,
      {
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      insecure,
    )
    assert.equal(plain.status, 400)
    assert.equal(((await plain.json()) as { error: string }).error, 'invalid_request')
  })
})
