import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import * as client from 'openid-client'
import { followAuthorization, newBrowser } from '../../support/flow.ts'
import { openidClientDiscovery, openidClientSignIn } from '../../support/openid-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// openid-client 6 on its default path, told nothing but the issuer, the client id and secret. The one option
// is allowInsecureRequests, because the test issuer is http on loopback.

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

const REDIRECT_URI = 'https://client.example/callback'
const CLAIMS = { name: 'Ada Lovelace', email: 'ada@example.org', email_verified: true }

describe('openid-client 6 signs a person in to an app with Keyward', () => {
  test('discovery, code + PKCE + nonce, a validated ID token, UserInfo, refresh', async () => {
    const registered = await server.client({
      name: 'openid-client app',
      // openid-client's default authentication with a secret is client_secret_post.
      tokenEndpointAuthMethod: 'client_secret_post',
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'profile', 'email'],
      defaultScopes: ['openid'],
    })
    const user = await server.user()
    await server.core.stores.users.setClaims(user.id, CLAIMS)

    const config = await openidClientDiscovery(server.issuer, registered)
    assert.equal(config.serverMetadata().userinfo_endpoint, `${server.issuer}/userinfo`)

    // The person's part over the real pages: sign in, approve.
    const { tokens, nonce } = await openidClientSignIn(
      config,
      server.issuer,
      { user },
      {
        redirectUri: REDIRECT_URI,
        scope: 'openid profile email',
      },
    )
    const claims = tokens.claims()
    assert.ok(claims)
    assert.equal(claims.sub, user.id)
    assert.equal(claims.nonce, nonce)

    // Core §5.3.2: the library checks that UserInfo's sub is the ID token's.
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
    assert.equal(info.name, 'Ada Lovelace')
    assert.equal(info.email, 'ada@example.org')
    assert.equal(info.preferred_username, user.username)

    // Core §12.2: the refreshed ID token is checked against the same sign-in.
    assert.ok(tokens.refresh_token)
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token)
    assert.equal(refreshed.claims()?.sub, user.id)
    assert.equal(refreshed.claims()?.auth_time, claims.auth_time)
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'rotated')
    const again = await client.fetchUserInfo(config, refreshed.access_token, claims.sub)
    assert.equal(again.email_verified, true)
  })
  test('a public client with max_age: the library requires and checks auth_time', async () => {
    const registered = await server.client({
      name: 'openid-client native app',
      type: 'public',
      redirectUris: ['http://127.0.0.1/callback'],
      scopes: ['openid', 'profile'],
      defaultScopes: ['openid'],
    })
    const user = await server.user()
    const config = await client.discovery(
      new URL(server.issuer),
      registered.client.id,
      undefined,
      client.None(),
      { execute: [client.allowInsecureRequests] },
    )
    const verifier = client.randomPKCECodeVerifier()
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: 'http://127.0.0.1:8765/callback',
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      max_age: '300',
    })
    const callback = await followAuthorization(newBrowser(server.issuer), url.href, { user })
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      maxAge: 300,
      idTokenExpected: true,
    })
    assert.equal(tokens.claims()?.sub, user.id)
    assert.equal(typeof tokens.claims()?.auth_time, 'number')
  })
})
