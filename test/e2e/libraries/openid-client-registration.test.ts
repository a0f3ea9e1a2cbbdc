import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import * as client from 'openid-client'
import { createInitialAccessToken } from '../../../src/core/index.ts'
import { openidClientSignIn } from '../../support/openid-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// openid-client 6 registers itself (RFC 7591) with nothing but the issuer and its metadata, then runs the code
// flow with what it was issued. Its default authentication with an issued secret is client_secret_post, so that
// is what it registers. The one option is allowInsecureRequests: the test issuer is http on loopback.

let server: TestServer
before(async () => {
  server = await startTestServer({ registration: { policy: 'token' } })
})
after(() => server.close())

const REDIRECT_URI = 'https://client.example/callback'

/** The code flow with PKCE and nonce through openid-client, for openid and profile. */
const signIn = (config: client.Configuration, user: Awaited<ReturnType<TestServer['user']>>) =>
  openidClientSignIn(config, server.issuer, { user }, { redirectUri: REDIRECT_URI, scope: 'openid profile' })

describe('openid-client 6 registers a client dynamically, then signs a person in', () => {
  test('dynamicClientRegistration with an initial access token, then code + PKCE + nonce, UserInfo', async () => {
    const { token } = await createInitialAccessToken({ uses: 1, ttlSeconds: 600 }, server.core)
    const config = await client.dynamicClientRegistration(
      new URL(server.issuer),
      {
        client_name: 'Registered by openid-client',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        scope: 'openid profile',
      },
      undefined,
      { initialAccessToken: token, execute: [client.allowInsecureRequests] },
    )
    const metadata = config.clientMetadata()
    assert.equal(typeof metadata.client_secret, 'string')
    assert.equal(typeof metadata.registration_access_token, 'string')
    const stored = await server.core.stores.clients.get(metadata.client_id)
    assert.equal(stored?.name, 'Registered by openid-client')
    assert.equal(stored?.dynamicRegistration?.firstUsedAt, null)

    const user = await server.user()
    const { tokens } = await signIn(config, user)
    assert.equal(tokens.claims()?.sub, user.id)
    assert.equal(tokens.claims()?.aud, metadata.client_id)
    const info = await client.fetchUserInfo(config, tokens.access_token, user.id)
    assert.equal(info.preferred_username, user.username)
    assert.ok(tokens.refresh_token)
    assert.ok((await client.refreshTokenGrant(config, tokens.refresh_token)).access_token)
    assert.notEqual(
      (await server.core.stores.clients.get(metadata.client_id))?.dynamicRegistration?.firstUsedAt,
      null,
      'its first token was recorded: it will not expire as unused',
    )
  })

  test('without the initial access token the library reports the 401', async () => {
    await assert.rejects(
      client.dynamicClientRegistration(
        new URL(server.issuer),
        { client_name: 'Uninvited', redirect_uris: [REDIRECT_URI] },
        undefined,
        { execute: [client.allowInsecureRequests] },
      ),
      (error: unknown) => {
        assert.match(String((error as Error).message), /401|invalid_token|WWW-Authenticate/i)
        return true
      },
    )
  })
})

// client_secret_jwt (OpenID Connect Core §9): registered so, then ClientSecretJwt on its defaults (HS256, a fresh
// jti, aud the issuer) for client credentials, and the code flow with its refresh.
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
    const { tokens } = await signIn(config, user)
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
