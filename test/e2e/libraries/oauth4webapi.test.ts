import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import * as oauth from 'oauth4webapi'
import type { ClientRegistration } from '../../../src/core/client-registration.ts'
import { followAuthorization, newBrowser } from '../../support/flow.ts'
import { discover, insecure } from '../../support/oauth4webapi.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

let server: TestServer
let user: Awaited<ReturnType<TestServer['user']>>
let as: oauth.AuthorizationServer

before(async () => {
  server = await startTestServer()
  user = await server.user()
  as = await discover(server.issuer)
})
after(() => server.close())

/** The library builds the request; the person's part runs over the real pages; returns the callback URL. */
async function authorize(clientId: string, redirectUri: string, verifier: string, state: string) {
  const url = new URL(as.authorization_endpoint ?? '')
  url.searchParams.set('client_id', clientId)
  url.searchParams.set('redirect_uri', redirectUri)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('scope', 'profile read')
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier))
  url.searchParams.set('code_challenge_method', 'S256')
  url.searchParams.set('state', state)
  return followAuthorization(newBrowser(server.issuer), url.href, { user })
}

const methods: [string, Partial<ClientRegistration>, (secret: string) => oauth.ClientAuth][] = [
  ['client_secret_basic', { tokenEndpointAuthMethod: 'client_secret_basic' }, oauth.ClientSecretBasic],
  ['client_secret_post', { tokenEndpointAuthMethod: 'client_secret_post' }, oauth.ClientSecretPost],
  [
    'none (public client)',
    { type: 'public', redirectUris: ['http://127.0.0.1/callback'] },
    () => oauth.None(),
  ],
]

describe('oauth4webapi runs the code flow with PKCE against Keyward, without special cases', () => {
  for (const [method, registration, clientAuth] of methods) {
    test(method, async () => {
      const registered = await server.client({ name: `oauth4webapi ${method}`, ...registration })
      const client: oauth.Client = { client_id: registered.client.id }
      const redirectUri =
        registered.client.redirectUris[0] === 'http://127.0.0.1/callback'
          ? 'http://127.0.0.1:8765/callback'
          : (registered.client.redirectUris[0] ?? '')
      const verifier = oauth.generateRandomCodeVerifier()
      const state = oauth.generateRandomState()

      const callback = await authorize(client.client_id, redirectUri, verifier, state)
      // RFC 9207: the library checks iss against the discovered issuer, and state.
      const params = oauth.validateAuthResponse(as, client, callback, state)

      const response = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        clientAuth(registered.secret ?? ''),
        params,
        redirectUri,
        verifier,
        insecure,
      )
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, response)
      assert.equal(tokens.token_type, 'bearer')
      assert.equal(tokens.scope, 'profile read')
      assert.equal(typeof tokens.refresh_token, 'string')

      // RFC 9068, as a resource server would check it, keys from the discovered jwks_uri.
      const request = new Request('https://api.example/photos', {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      })
      const claims = await oauth.validateJwtAccessToken(as, request, server.issuer, insecure)
      assert.equal(claims.sub, user.id)
      assert.equal(claims.client_id, client.client_id)
      assert.equal(claims.iss, server.issuer)
      assert.equal(claims.scope, 'profile read')
    })
  }

  test('the library rejects a callback whose iss is not Keyward’s: iss is there and means something', async () => {
    const registered = await server.client({ name: 'oauth4webapi iss' })
    const client: oauth.Client = { client_id: registered.client.id }
    const state = oauth.generateRandomState()
    const redirectUri = registered.client.redirectUris[0] ?? ''
    const callback = await authorize(client.client_id, redirectUri, oauth.generateRandomCodeVerifier(), state)
    assert.equal(callback.searchParams.get('iss'), server.issuer)
    callback.searchParams.set('iss', 'https://mix-up.example')
    assert.throws(() => oauth.validateAuthResponse(as, client, callback, state), /iss/)
  })
})
