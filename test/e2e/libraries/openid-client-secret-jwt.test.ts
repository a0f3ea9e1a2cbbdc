import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import * as client from 'openid-client'
import { createInitialAccessToken } from '../../../src/core/index.ts'
import { openidClientSignIn } from '../../support/openid-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// openid-client 6 registers a client_secret_jwt client (RFC 7591), then authenticates with ClientSecretJwt on its
// defaults (HS256, a fresh jti, aud the issuer): client credentials, and the code flow with its refresh. The one
// option is allowInsecureRequests: the test issuer is http on loopback.

let server: TestServer
before(async () => {
  server = await startTestServer({ registration: { policy: 'token' } })
})
after(() => server.close())

const REDIRECT_URI = 'https://client.example/callback'

describe('openid-client 6 with client_secret_jwt', () => {
  test('registered with token_endpoint_auth_method client_secret_jwt, it signs its assertions with the secret', async () => {
    const { token } = await createInitialAccessToken({ uses: 1, ttlSeconds: 600 }, server.core)
    const registered = await client.dynamicClientRegistration(
      new URL(server.issuer),
      {
        client_name: 'Secret JWT app',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_jwt',
        scope: 'openid profile',
      },
      undefined,
      { initialAccessToken: token, execute: [client.allowInsecureRequests] },
    )
    const metadata = registered.clientMetadata()
    assert.equal(metadata.token_endpoint_auth_method, 'client_secret_jwt')
    assert.equal(typeof metadata.client_secret, 'string')
    const stored = await server.core.stores.clients.get(metadata.client_id)
    assert.ok(stored?.encryptedSecret, 'the secret is kept sealed, for the HMAC')

    const config = new client.Configuration(
      registered.serverMetadata(),
      metadata.client_id,
      metadata,
      client.ClientSecretJwt(String(metadata.client_secret)),
    )
    client.allowInsecureRequests(config)
    const service = await client.clientCredentialsGrant(config, { scope: 'profile' })
    assert.ok(service.access_token)

    const user = await server.user()
    const { tokens } = await openidClientSignIn(
      config,
      server.issuer,
      { user },
      {
        redirectUri: REDIRECT_URI,
        scope: 'openid profile',
      },
    )
    assert.equal(tokens.claims()?.sub, user.id)
    assert.ok(tokens.refresh_token)
    assert.ok((await client.refreshTokenGrant(config, tokens.refresh_token)).access_token)

    // The registered method is the only one: the same secret as client_secret_post is refused.
    const posted = new client.Configuration(
      registered.serverMetadata(),
      metadata.client_id,
      metadata,
      client.ClientSecretPost(String(metadata.client_secret)),
    )
    client.allowInsecureRequests(posted)
    await assert.rejects(
      client.clientCredentialsGrant(posted, { scope: 'profile' }),
      (error: unknown) => error instanceof client.ResponseBodyError && error.error === 'invalid_client',
    )
  })
})
