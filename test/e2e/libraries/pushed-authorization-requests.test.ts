import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair } from 'jose'
import * as oauth from 'oauth4webapi'
import * as openid from 'openid-client'
import { followAuthorization, newBrowser } from '../../support/flow.ts'
import { discover, insecure, pushedSignInWithDpop } from '../../support/oauth4webapi.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// RFC 9126 pushed authorization requests with two client libraries on their defaults: oauth4webapi with
// private_key_jwt and DPoP (a FAPI 2.0 client), openid-client 6 with a secret. The one option is allowInsecureRequests,
// because the test issuer is http on loopback.

let server: TestServer
let user: Awaited<ReturnType<TestServer['user']>>
const REDIRECT_URI = 'https://client.example/callback'

before(async () => {
  server = await startTestServer()
  user = await server.user()
})
after(() => server.close())

describe('pushed authorization requests with real client libraries', () => {
  test('oauth4webapi: a FAPI 2.0 client pushes with private_key_jwt, then runs the code flow with DPoP', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const registered = await server.client({
      name: 'FAPI app',
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'fapi-key', alg: 'ES256', use: 'sig' }] },
      redirectUris: [REDIRECT_URI],
      securityProfile: 'fapi2',
    })
    const as = await discover(server.issuer)
    assert.equal(as.pushed_authorization_request_endpoint, `${server.issuer}/par`)
    const client: oauth.Client = { client_id: registered.client.id }
    const clientAuth = oauth.PrivateKeyJwt({ key: privateKey, kid: 'fapi-key' })
    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()

    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      client,
      await oauth.pushedAuthorizationRequest(
        as,
        client,
        clientAuth,
        {
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          scope: 'profile read',
          code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
        },
        insecure,
      ),
    )
    assert.equal(pushed.expires_in, 60)
    // FAPI 2.0: the push names its redirect_uri, though the client registered only one.
    const withoutRedirect = await oauth.pushedAuthorizationRequest(
      as,
      client,
      clientAuth,
      {
        response_type: 'code',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      insecure,
    )
    assert.equal(withoutRedirect.status, 400)
    assert.deepEqual(await withoutRedirect.json(), {
      error: 'invalid_request',
      error_description: 'The FAPI 2.0 Security Profile requires redirect_uri in the pushed request.',
    })

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

    // FAPI 2.0: the same client may not skip the push.
    const plain = new URL(as.authorization_endpoint ?? '')
    for (const [name, value] of Object.entries({
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }))
      plain.searchParams.set(name, value)
    const refused = await newBrowser(server.issuer).get(plain.href)
    assert.equal(new URL(refused.location ?? '').searchParams.get('error'), 'invalid_request')
  })

  test('openid-client 6: buildAuthorizationUrlWithPAR, then the code flow with an ID token', async () => {
    const registered = await server.client({
      name: 'openid-client app',
      // openid-client's default authentication with a secret is client_secret_post.
      tokenEndpointAuthMethod: 'client_secret_post',
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'profile'],
      defaultScopes: ['openid'],
      requirePushedAuthorizationRequests: true,
    })
    const config = await openid.discovery(
      new URL(server.issuer),
      registered.client.id,
      registered.secret ?? '',
      undefined,
      { execute: [openid.allowInsecureRequests] },
    )
    const verifier = openid.randomPKCECodeVerifier()
    const nonce = openid.randomNonce()
    const url = await openid.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      code_challenge: await openid.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
    })
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri'])
    const callback = await followAuthorization(newBrowser(server.issuer), url.href, { user })
    const tokens = await openid.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      idTokenExpected: true,
    })
    assert.equal(tokens.claims()?.sub, user.id)
  })
})
