import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import * as client from 'openid-client'
import { openidClientSignIn } from '../../support/openid-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

// openid-client 6 on its default path, told nothing but the issuer, the client id and secret (no
// id_token_signed_response_alg: the library accepts what discovery's id_token_signing_alg_values_supported names).
// The one option is allowInsecureRequests, because the test issuer is http on loopback. The server keeps ID tokens
// minimal (openid.idTokenClaims), so that a claim in one is there because the claims parameter asked for it.

let server: TestServer
before(async () => {
  server = await startTestServer({ openid: { idTokenClaims: 'minimal' } })
})
after(() => server.close())

const CLAIMS = { name: 'Grace Hopper', email: 'grace@example.org', email_verified: true }

async function appWith(
  registration: Parameters<TestServer['client']>[0],
  options: { verifySignature?: boolean } = {},
) {
  const registered = await server.client({
    name: 'openid-client app',
    tokenEndpointAuthMethod: 'client_secret_post',
    scopes: ['openid', 'profile', 'email'],
    defaultScopes: ['openid'],
    ...registration,
  })
  const config = await client.discovery(
    new URL(server.issuer),
    registered.client.id,
    registered.secret ?? '',
    undefined,
    {
      execute: [
        client.allowInsecureRequests,
        // By default the library trusts an ID token received over TLS from the token endpoint (Core §3.1.3.7)
        // and checks only its alg; this makes it verify the signature with the key from the discovered JWKS.
        ...(options.verifySignature === true ? [client.enableNonRepudiationChecks] : []),
      ],
    },
  )
  return { config, redirectUri: registered.client.redirectUris[0] ?? '' }
}

describe('openid-client 6 with pairwise subjects, ES256 and EdDSA ID tokens, and claims', () => {
  test('pairwise + ES256: the library validates the ID token; UserInfo agrees on the pairwise sub', async () => {
    const user = await server.user()
    await server.core.stores.users.setClaims(user.id, CLAIMS)
    const signIn = async (redirectUri: string) => {
      const app = await appWith({
        subjectType: 'pairwise',
        idTokenSignedResponseAlg: 'ES256',
        redirectUris: [redirectUri],
      })
      const { tokens } = await openidClientSignIn(
        app.config,
        server.issuer,
        { user },
        {
          redirectUri: app.redirectUri,
          scope: 'openid profile email',
          parameters: { claims: JSON.stringify({ id_token: { email: { essential: true } } }) },
        },
      )
      const claims = tokens.claims()
      assert.ok(claims)
      // Core §5.3.2: fetchUserInfo refuses a UserInfo sub other than the ID token's.
      const info = await client.fetchUserInfo(app.config, tokens.access_token, claims.sub)
      assert.equal(info.name, 'Grace Hopper')
      return claims
    }
    const first = await signIn('https://photos.example/callback')
    assert.notEqual(first.sub, user.id)
    assert.equal(first.email, 'grace@example.org', 'the claims parameter put email into the ID token')
    assert.equal(first.name, undefined, 'only what was asked for')
    assert.equal((await signIn('https://photos.example/callback')).sub, first.sub, 'stable per client')
    assert.notEqual((await signIn('https://prints.example/callback')).sub, first.sub, 'another sector')
  })

  for (const alg of ['ES256', 'EdDSA'] as const) {
    test(`${alg}: the library verifies the ID token's signature with the published key, refreshes too`, async () => {
      const user = await server.user()
      const app = await appWith(
        { idTokenSignedResponseAlg: alg, redirectUris: [`https://${alg.toLowerCase()}.example/cb`] },
        { verifySignature: true },
      )
      const { tokens } = await openidClientSignIn(
        app.config,
        server.issuer,
        { user },
        {
          redirectUri: app.redirectUri,
          scope: 'openid',
        },
      )
      assert.equal(tokens.claims()?.sub, user.id)
      assert.ok(tokens.refresh_token)
      const refreshed = await client.refreshTokenGrant(app.config, tokens.refresh_token)
      assert.equal(refreshed.claims()?.sub, user.id)
    })
  }
})
