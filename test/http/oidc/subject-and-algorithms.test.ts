import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { createLocalJWKSet, decodeJwt, type JWTPayload, jwtVerify } from 'jose'
import type { IdTokenSigningAlgorithm } from '../../../src/core/model/client.ts'
import { codeRequest, newBrowser, newPkce } from '../../support/flow.ts'
import { resourceServer } from '../../support/fixtures.ts'
import { basicAuthorization, introspect, postToken } from '../../support/oauth-client.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { codeTokens, openIdClient, type Registered } from './oidc-flow.ts'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

async function verifyIdToken(
  idToken: unknown,
  clientId: string,
  alg: IdTokenSigningAlgorithm,
): Promise<JWTPayload> {
  const jwks = (await (await fetch(`${server.issuer}/jwks.json`)).json()) as Parameters<
    typeof createLocalJWKSet
  >[0]
  const { payload } = await jwtVerify(String(idToken), createLocalJWKSet(jwks), {
    issuer: server.issuer,
    audience: clientId,
    algorithms: [alg],
  })
  return payload
}

async function userinfoSub(accessToken: unknown): Promise<unknown> {
  const response = await fetch(`${server.issuer}/userinfo`, {
    headers: { authorization: `Bearer ${String(accessToken)}` },
  })
  assert.equal(response.status, 200)
  return ((await response.json()) as { sub?: unknown }).sub
}

/** Every sub the client and its APIs see for one sign-in: ID token, UserInfo, JWT access token, introspection. */
async function subjectsSeenBy(registered: Registered, user: Awaited<ReturnType<TestServer['user']>>) {
  const browser = newBrowser(server.issuer)
  const reply = await codeTokens(server, registered, { params: { scope: 'openid' }, user, browser })
  const api = await resourceServer(server)
  const idToken = await verifyIdToken(reply.json.id_token, registered.client.id, 'RS256')
  return {
    idToken: idToken.sub,
    userinfo: await userinfoSub(reply.json.access_token),
    accessToken: decodeJwt(String(reply.json.access_token)).sub,
    introspection: (await introspect(server, api, String(reply.json.access_token))).sub,
    refreshIntrospection: (await introspect(server, api, String(reply.json.refresh_token))).sub,
  }
}

describe('pairwise subject identifiers (OpenID Connect Core §8.1)', () => {
  test('a pairwise client sees one sub everywhere, not the local id, and not another host’s', async () => {
    const user = await server.user()
    const pairwise = await openIdClient(server, { subjectType: 'pairwise' })
    const seen = await subjectsSeenBy(pairwise, user)
    const sub = seen.idToken
    assert.ok(typeof sub === 'string' && sub.length >= 43, 'a 256-bit HMAC, base64url')
    assert.notEqual(sub, user.id)
    assert.deepEqual(seen, {
      idToken: sub,
      userinfo: sub,
      accessToken: sub,
      introspection: sub,
      refreshIntrospection: sub,
    })

    // Stable for the client: a second sign-in gets the same sub.
    assert.equal((await subjectsSeenBy(pairwise, user)).idToken, sub)
    // The same sector (host) gets the same sub; another host its own; a public client the local id.
    const sameHost = await openIdClient(server, {
      subjectType: 'pairwise',
      redirectUris: ['https://client.example/other-callback'],
    })
    assert.equal((await subjectsSeenBy(sameHost, user)).idToken, sub)
    const otherHost = await openIdClient(server, {
      subjectType: 'pairwise',
      redirectUris: ['https://elsewhere.example/callback'],
    })
    const otherSub = (await subjectsSeenBy(otherHost, user)).idToken
    assert.notEqual(otherSub, sub)
    assert.notEqual(otherSub, user.id)
    const publicSeen = await subjectsSeenBy(await openIdClient(server), user)
    assert.equal(publicSeen.idToken, user.id)
    assert.equal(publicSeen.accessToken, user.id)
    assert.equal(publicSeen.introspection, user.id)

    // Another person of the same client gets another sub.
    assert.notEqual((await subjectsSeenBy(pairwise, await server.user())).idToken, sub)
  })
})

describe('a pairwise EdDSA client’s ID token as id_token_hint (Core §3.1.2.1, RP-Initiated Logout §2)', () => {
  test('names the signed-in person at /authorize and ends their session at /logout', async () => {
    const signedOut = 'https://client.example/signed-out'
    const registered = await openIdClient(server, {
      subjectType: 'pairwise',
      idTokenSignedResponseAlg: 'EdDSA',
      postLogoutRedirectUris: [signedOut],
    })
    const user = await server.user()
    const browser = newBrowser(server.issuer)
    const reply = await codeTokens(server, registered, { params: { scope: 'openid' }, user, browser })
    const idToken = String(reply.json.id_token)
    assert.notEqual(decodeJwt(idToken).sub, user.id)
    const hinted = codeRequest(registered.client, newPkce(), {
      scope: 'openid',
      prompt: 'none',
      id_token_hint: idToken,
    })
    const silent = await browser.get(`/authorize?${hinted}`)
    assert.ok(new URL(silent.location ?? 'about:blank').searchParams.get('code'), silent.location ?? '')
    const logout = await browser.get(
      `/logout?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: signedOut })}`,
    )
    assert.equal(logout.location, signedOut, 'the hint is of this session: signed out without asking')
    assert.deepEqual(await server.core.stores.sessions.listByUser(user.id), [])
  })
})

describe('ID token signing algorithm per client (id_token_signed_response_alg)', () => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    test(`${alg}: the ID token is signed with a published ${alg} key, at_hash with its hash`, async () => {
      const registered = await openIdClient(server, { idTokenSignedResponseAlg: alg })
      const user = await server.user()
      const reply = await codeTokens(server, registered, { params: { scope: 'openid' }, user })
      const claims = await verifyIdToken(reply.json.id_token, registered.client.id, alg)
      assert.equal(claims.sub, user.id)
      // Core §3.1.3.6: the hash of the alg (SHA-512 for Ed25519, as oauth4webapi computes it).
      const hash = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
        .update(String(reply.json.access_token))
        .digest()
      assert.equal(claims.at_hash, hash.subarray(0, hash.length / 2).toString('base64url'))
      // A refresh signs its ID token the same way.
      const refreshed = await postToken(
        server,
        { grant_type: 'refresh_token', refresh_token: String(reply.json.refresh_token) },
        { authorization: basicAuthorization(registered.client.id, registered.secret ?? '') },
      )
      assert.equal(refreshed.status, 200, JSON.stringify(refreshed.json))
      await verifyIdToken(refreshed.json.id_token, registered.client.id, alg)
    })
  }

  test('discovery names every subject type and ID token algorithm, RS256 first', async () => {
    const metadata = (await (
      await fetch(`${server.issuer}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>
    assert.deepEqual(metadata.subject_types_supported, ['public', 'pairwise'])
    assert.deepEqual(metadata.id_token_signing_alg_values_supported, ['RS256', 'ES256', 'EdDSA'])
  })
})
