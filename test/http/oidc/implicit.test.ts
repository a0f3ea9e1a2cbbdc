import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose'
import { PASSWORD_ACR } from '../../../src/core/oidc/acr.ts'
import { followAuthorization, formOn, newBrowser, submit } from '../../support/flow.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { openIdClient, type Registered } from './oidc-flow.ts'

// OpenID Connect Core §3.2: the implicit response types id_token and id_token token, for a client an operator
// enabled the legacy implicit flow for. The ID token is verified with jose against the published keys.

let server: TestServer
let minimal: TestServer
before(async () => {
  server = await startTestServer()
  minimal = await startTestServer({ openid: { idTokenClaims: 'minimal' } })
})
after(async () => {
  await server.close()
  await minimal.close()
})

const CLAIMS = { name: 'Katherine Johnson', email: 'katherine@example.org' }

function implicitClient(on: TestServer): Promise<Registered> {
  return openIdClient(on, { type: 'public', grantTypes: ['implicit'], allowLegacy: ['implicit'] })
}

async function personOn(on: TestServer) {
  const user = await on.user()
  await on.core.stores.users.setClaims(user.id, CLAIMS)
  return user
}

/** The query of an implicit OpenID request; a parameter set to undefined is left out. */
function implicitRequest(registered: Registered, params: Record<string, string | undefined>): string {
  const merged: Record<string, string | undefined> = {
    client_id: registered.client.id,
    redirect_uri: registered.client.redirectUris[0],
    scope: 'openid profile email',
    state: 'st',
    nonce: 'n-0S6_WzA2Mj',
    ...params,
  }
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(merged)) if (value !== undefined) query.set(name, value)
  return `/authorize?${query}`
}

/** Signs the person in and consents; the parameters of the fragment Keyward redirected to. */
async function implicitResponse(on: TestServer, registered: Registered, params: Record<string, string>) {
  const user = await personOn(on)
  const location = await followAuthorization(
    newBrowser(on.issuer),
    `${on.issuer}${implicitRequest(registered, params)}`,
    { user },
  )
  assert.equal(location.search, '', 'nothing in the query')
  return { user, fragment: new URLSearchParams(location.hash.slice(1)) }
}

async function verified(on: TestServer, idToken: string | null, clientId: string): Promise<JWTPayload> {
  assert.ok(idToken, 'an id_token in the response')
  const jwks = (await (await fetch(`${on.issuer}/jwks.json`)).json()) as Parameters<
    typeof createLocalJWKSet
  >[0]
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), {
    issuer: on.issuer,
    audience: clientId,
    algorithms: ['RS256'],
  })
  return payload
}

describe('implicit ID tokens (OpenID Connect Core §3.2), behind the legacy opt-in', () => {
  test('id_token token: both in the fragment; the ID token has the nonce and the at_hash of the token', async () => {
    const registered = await implicitClient(server)
    const { user, fragment } = await implicitResponse(server, registered, { response_type: 'id_token token' })
    const accessToken = fragment.get('access_token') ?? ''
    assert.ok(accessToken)
    assert.equal(fragment.get('token_type'), 'Bearer')
    assert.equal(fragment.get('state'), 'st')
    assert.equal(fragment.get('iss'), server.issuer)
    assert.equal(fragment.get('refresh_token'), null)
    assert.equal(fragment.get('code'), null)
    const claims = await verified(server, fragment.get('id_token'), registered.client.id)
    assert.equal(claims.sub, user.id)
    assert.equal(claims.nonce, 'n-0S6_WzA2Mj')
    assert.equal(claims.acr, PASSWORD_ACR)
    assert.equal(claims.azp, registered.client.id)
    assert.ok(typeof claims.auth_time === 'number')
    // Core §3.2.2.9: the left half of SHA-256 of the access token.
    const hash = createHash('sha256').update(accessToken).digest()
    assert.equal(claims.at_hash, hash.subarray(0, 16).toString('base64url'))
    assert.equal(claims.name, CLAIMS.name)
    // The grant keeps the session's sid, which Back-Channel Logout looks for.
    const grants = await server.core.stores.grants.listByUser(user.id)
    assert.deepEqual(
      grants.map((grant) => grant.sid),
      [claims.sid],
    )
    const info = await fetch(`${server.issuer}/userinfo`, {
      headers: { authorization: `Bearer ${accessToken}` },
    })
    assert.equal(((await info.json()) as { email?: string }).email, CLAIMS.email)
  })

  test('id_token alone: no access token, no at_hash; the claims are in the ID token even when kept minimal', async () => {
    for (const on of [server, minimal]) {
      const registered = await implicitClient(on)
      const { fragment } = await implicitResponse(on, registered, { response_type: 'id_token' })
      assert.deepEqual([...fragment.keys()].sort(), ['id_token', 'iss', 'state'])
      const claims = await verified(on, fragment.get('id_token'), registered.client.id)
      assert.equal(claims.at_hash, undefined)
      assert.equal(claims.nonce, 'n-0S6_WzA2Mj')
      // Core §5.4: with no access token, there is no UserInfo to ask.
      assert.equal(claims.name, CLAIMS.name)
      assert.equal(claims.email, CLAIMS.email)
    }
  })

  test('id_token token on a server keeping ID tokens minimal: the claims are left to UserInfo', async () => {
    const registered = await implicitClient(minimal)
    const { fragment } = await implicitResponse(minimal, registered, { response_type: 'token id_token' })
    const claims = await verified(minimal, fragment.get('id_token'), registered.client.id)
    assert.equal(claims.name, undefined)
    assert.ok(claims.at_hash)
  })

  test('form_post carries the ID token in the posted form', async () => {
    const registered = await implicitClient(server)
    const user = await personOn(server)
    const browser = newBrowser(server.issuer)
    const login = await browser.get(
      implicitRequest(registered, { response_type: 'id_token', response_mode: 'form_post' }),
    )
    const consent = await submit(browser, login, { username: user.username, password: user.password })
    const posted = await submit(browser, consent, { decision: 'approve' })
    const form = formOn(posted.body)
    assert.equal(form?.action, registered.client.redirectUris[0])
    assert.deepEqual(Object.keys(form?.fields ?? {}).sort(), ['id_token', 'iss', 'state'])
    await verified(server, form?.fields.id_token ?? null, registered.client.id)
  })

  test('without a nonce, or without openid, the request is invalid_request, in the fragment', async () => {
    const registered = await implicitClient(server)
    for (const params of [
      { response_type: 'id_token', nonce: undefined },
      { response_type: 'id_token token', nonce: undefined },
      { response_type: 'id_token', scope: 'profile' },
    ]) {
      const page = await newBrowser(server.issuer).get(implicitRequest(registered, params))
      const location = new URL(page.location ?? '')
      const fragment = new URLSearchParams(location.hash.slice(1))
      assert.equal(fragment.get('error'), 'invalid_request', JSON.stringify(params))
      assert.match(fragment.get('error_description') ?? '', 'nonce' in params ? /nonce/ : /openid/)
      assert.equal(fragment.get('state'), 'st')
    }
  })

  test('hybrid response types stay unsupported, for this client too', async () => {
    const registered = await implicitClient(server)
    for (const responseType of ['code id_token', 'code token', 'code id_token token']) {
      const page = await newBrowser(server.issuer).get(
        implicitRequest(registered, { response_type: responseType }),
      )
      const fragment = new URLSearchParams(new URL(page.location ?? '').hash.slice(1))
      assert.equal(fragment.get('error'), 'unsupported_response_type', responseType)
      assert.match(fragment.get('error_description') ?? '', /hybrid/)
    }
  })
})
