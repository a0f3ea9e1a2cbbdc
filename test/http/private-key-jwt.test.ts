import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair } from 'jose'
import * as oauth from 'oauth4webapi'
import { followAuthorization, newBrowser } from '../support/flow.ts'
import { clientCredentialsToken, discover, insecure, introspect } from '../support/oauth4webapi.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// RFC 7523 private_key_jwt with oauth4webapi on its defaults: the library signs the assertions, Keyward checks them.

let server: TestServer
let as: oauth.AuthorizationServer
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'client-key', alg: 'ES256', use: 'sig' }] }
const clientAuth = oauth.PrivateKeyJwt({ key: privateKey, kid: 'client-key' })

before(async () => {
  server = await startTestServer()
  as = await discover(server.issuer)
})
after(() => server.close())

describe('private_key_jwt (RFC 7523) with oauth4webapi', () => {
  test('discovery says so, with the algorithms an assertion may use', () => {
    assert.ok(as.token_endpoint_auth_methods_supported?.includes('private_key_jwt'))
    // Beside client_secret_jwt's HMACs, which a key client never signs with.
    assert.deepEqual(as.token_endpoint_auth_signing_alg_values_supported, [
      'RS256',
      'PS256',
      'ES256',
      'EdDSA',
      'HS256',
      'HS384',
      'HS512',
    ])
  })

  test('client credentials, introspection and revocation, each with a fresh assertion', async () => {
    const registered = await server.client({
      name: 'Key service',
      grantTypes: ['client_credentials'],
      redirectUris: [],
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks,
      canIntrospect: true,
    })
    assert.equal(registered.secret, null)
    const client: oauth.Client = { client_id: registered.client.id }
    const accessToken = await clientCredentialsToken(as, client, clientAuth)
    const introspected = await introspect(as, client, clientAuth, accessToken)
    assert.equal(introspected.active, true)
    assert.equal(introspected.client_id, registered.client.id)
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, clientAuth, accessToken, insecure),
    )
  })

  test('the code flow with PKCE; a secret instead of the assertion is refused', async () => {
    const user = await server.user()
    const registered = await server.client({
      name: 'Key web app',
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks,
    })
    const client: oauth.Client = { client_id: registered.client.id }
    const redirectUri = registered.client.redirectUris[0] ?? ''
    const verifier = oauth.generateRandomCodeVerifier()
    const url = new URL(as.authorization_endpoint ?? '')
    url.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'profile',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString()
    const callback = await followAuthorization(newBrowser(server.issuer), url.href, { user })
    const params = oauth.validateAuthResponse(as, client, new URL(callback), oauth.skipStateCheck)
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuth,
      params,
      redirectUri,
      verifier,
      insecure,
    )
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response)
    assert.ok(tokens.refresh_token)

    const withSecret = await fetch(as.token_endpoint ?? '', {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: 'x',
      }),
    })
    assert.equal(withSecret.status, 401)
    assert.equal(((await withSecret.json()) as { error: string }).error, 'invalid_client')
  })
})
