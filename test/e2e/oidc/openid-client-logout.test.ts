import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import * as client from 'openid-client'
import { followAuthorization, newBrowser } from '../../support/flow.ts'
import { openidClientDiscovery } from '../../support/openid-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// openid-client 6 signing a person out (RP-Initiated Logout 1.0) on its default path: the end_session_endpoint
// from discovery, and the URL buildEndSessionUrl makes, followed by a browser that signed in through the library.

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

const REDIRECT_URI = 'https://client.example/callback'
const POST_LOGOUT_REDIRECT_URI = 'https://client.example/signed-out'

describe('openid-client 6 signs a person out of Keyward', () => {
  test('buildEndSessionUrl with the ID token hint ends the session and returns with state', async () => {
    const registered = await server.client({
      name: 'openid-client app',
      tokenEndpointAuthMethod: 'client_secret_post',
      redirectUris: [REDIRECT_URI],
      postLogoutRedirectUris: [POST_LOGOUT_REDIRECT_URI],
      scopes: ['openid'],
      defaultScopes: ['openid'],
    })
    const user = await server.user()
    const config = await openidClientDiscovery(server.issuer, registered)
    assert.equal(config.serverMetadata().end_session_endpoint, `${server.issuer}/logout`)

    const verifier = client.randomPKCECodeVerifier()
    const signIn = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    })
    const browser = newBrowser(server.issuer)
    const callback = await followAuthorization(browser, signIn.href, { user })
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier })
    assert.ok(tokens.id_token)

    const state = client.randomState()
    const signOut = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
      state,
    })
    assert.equal(signOut.searchParams.get('client_id'), registered.client.id, 'the library adds client_id')
    const page = await browser.get(signOut.href)
    assert.equal(page.location, `${POST_LOGOUT_REDIRECT_URI}?state=${state}`)

    // The browser is signed out: signing in again asks for the password.
    const again = await browser.get(signIn.href)
    assert.equal(again.status, 200)
    assert.match(again.body, /name="password"/)
  })
})
