import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { SignJWT } from 'jose'
import * as oauth from 'oauth4webapi'
import { authorizeCode, newPkce } from '../support/flow.ts'
import { clientCredentialsToken, discover, insecure, introspect } from '../support/oauth4webapi.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// OpenID Connect Core §9 client_secret_jwt with oauth4webapi on its defaults (ClientSecretJwt: HS256, aud the
// issuer): the library HMAC-signs the assertions with the secret, Keyward checks them with the sealed copy.

let server: TestServer
let as: oauth.AuthorizationServer

before(async () => {
  server = await startTestServer()
  as = await discover(server.issuer)
})
after(() => server.close())

/** A client_secret_jwt client of the test server, and the secret it was given once. */
async function secretJwtClient(registration: Parameters<TestServer['client']>[0]) {
  const registered = await server.client({ tokenEndpointAuthMethod: 'client_secret_jwt', ...registration })
  assert.ok(registered.secret !== null)
  return { client: { client_id: registered.client.id } as oauth.Client, secret: registered.secret }
}

const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error

describe('client_secret_jwt (OpenID Connect Core §9) with oauth4webapi', () => {
  test('discovery names the method at every endpoint that authenticates clients', () => {
    assert.ok(as.token_endpoint_auth_methods_supported?.includes('client_secret_jwt'))
    assert.ok(as.revocation_endpoint_auth_methods_supported?.includes('client_secret_jwt'))
    assert.ok(as.introspection_endpoint_auth_methods_supported?.includes('client_secret_jwt'))
    assert.ok(as.token_endpoint_auth_signing_alg_values_supported?.includes('HS256'))
  })

  test('client credentials, introspection and revocation, each with a fresh assertion', async () => {
    const { client, secret } = await secretJwtClient({
      name: 'Secret JWT service',
      grantTypes: ['client_credentials'],
      redirectUris: [],
      canIntrospect: true,
    })
    const clientAuth = oauth.ClientSecretJwt(secret)
    const accessToken = await clientCredentialsToken(as, client, clientAuth)
    const introspected = await introspect(as, client, clientAuth, accessToken)
    assert.equal(introspected.active, true)
    assert.equal(introspected.client_id, client.client_id)
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, clientAuth, accessToken, insecure),
    )
    const afterRevocation = await introspect(as, client, clientAuth, accessToken)
    assert.equal(afterRevocation.active, false)
  })

  test('the code flow with PKCE; the secret itself instead of the assertion is refused', async () => {
    const user = await server.user()
    const registered = await server.client({
      name: 'Secret JWT web app',
      tokenEndpointAuthMethod: 'client_secret_jwt',
    })
    const client: oauth.Client = { client_id: registered.client.id }
    const secret = registered.secret ?? ''
    const redirectUri = registered.client.redirectUris[0] ?? ''
    const pkce = newPkce()
    const callback = await authorizeCode(server, {
      client: registered.client,
      pkce,
      user,
      params: { scope: 'profile' },
    })
    const params = oauth.validateAuthResponse(as, client, callback, oauth.skipStateCheck)
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretJwt(secret),
      params,
      redirectUri,
      pkce.verifier,
      insecure,
    )
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response)
    assert.ok(tokens.refresh_token)

    // RFC 7591 §2: the registered method is the only one, even with the right secret.
    const withSecret = await fetch(as.token_endpoint ?? '', {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${client.client_id}:${secret}`)}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    })
    assert.equal(withSecret.status, 401)
    assert.equal(await errorOf(withSecret), 'invalid_client')
  })

  test('an assertion is taken once: replayed, it is invalid_client', async () => {
    const { client, secret } = await secretJwtClient({
      name: 'Replayed service',
      grantTypes: ['client_credentials'],
      redirectUris: [],
    })
    const now = Math.floor(Date.now() / 1000)
    const assertion = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(client.client_id)
      .setSubject(client.client_id)
      .setAudience(as.token_endpoint ?? '')
      .setIssuedAt(now)
      .setExpirationTime(now + 60)
      .sign(new TextEncoder().encode(secret))
    const send = () =>
      fetch(as.token_endpoint ?? '', {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
      })
    assert.equal((await send()).status, 200)
    const replayed = await send()
    assert.equal(replayed.status, 401)
    assert.equal(await errorOf(replayed), 'invalid_client')
  })

  test("a client_secret_basic client's secret signs no assertion Keyward takes", async () => {
    const registered = await server.client({
      name: 'Basic service',
      grantTypes: ['client_credentials'],
      redirectUris: [],
    })
    assert.ok(registered.secret !== null)
    const client: oauth.Client = { client_id: registered.client.id }
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretJwt(registered.secret),
      new URLSearchParams(),
      insecure,
    )
    assert.equal(response.status, 401)
    assert.equal(await errorOf(response), 'invalid_client')
  })
})
