import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import * as oauth from 'oauth4webapi'
import { codeRequest, followAuthorization, newBrowser, newPkce } from '../../support/flow.ts'
import { discover, insecure } from '../../support/oauth4webapi.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// oauth4webapi registers a public native client (RFC 7591, open policy) from the discovered
// registration_endpoint, on its defaults, then runs the code flow with PKCE as that client.

let server: TestServer
before(async () => {
  server = await startTestServer({ registration: { policy: 'open' } })
})
after(() => server.close())

test('oauth4webapi registers a public client, then gets tokens with it', async () => {
  const as = await discover(server.issuer)
  assert.equal(as.registration_endpoint, `${server.issuer}/register`)
  const registered = await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(
      as,
      {
        client_name: 'oauth4webapi native app',
        redirect_uris: ['http://127.0.0.1/callback'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        scope: 'profile read',
      },
      insecure,
    ),
  )
  assert.equal(registered.client_secret, undefined, 'a public client gets no secret')
  const client: oauth.Client = { client_id: registered.client_id }

  const user = await server.user()
  const pkce = newPkce()
  const state = oauth.generateRandomState()
  // RFC 8252 §7.3: the loopback redirect may use any port.
  const redirectUri = 'http://127.0.0.1:8765/callback'
  const query = codeRequest({ id: client.client_id, redirectUris: [redirectUri] }, pkce, {
    scope: 'profile read',
    state,
  })
  const start = `${String(as.authorization_endpoint)}?${query.toString()}`
  const callback = await followAuthorization(newBrowser(server.issuer), start, { user })
  const params = oauth.validateAuthResponse(as, client, callback, state)
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    redirectUri,
    pkce.verifier,
    insecure,
  )
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response)
  assert.equal(tokens.scope, 'profile read')
  assert.equal(typeof tokens.refresh_token, 'string')
})
