import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose'
import { JWT_BEARER_ASSERTION } from '../../src/core/client-auth/credentials.ts'
import { codeOf, followAuthorization, formOn, newBrowser, newPkce, type Pkce } from '../support/flow.ts'
import {
  assertOAuthError,
  postJson,
  type RegisteredClient,
  type TokenReply,
} from '../support/oauth-client.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

// RFC 9101 signed request objects over HTTP: by value at /authorize, inside a pushed request at /par, and the
// clients registered with require_signed_request_object (RFC 9101 §10.5).

let server: TestServer
let signer: RegisteredClient
let mustSign: RegisteredClient
let person: Awaited<ReturnType<TestServer['user']>>
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
const otherKey = (await generateKeyPair('ES256')).privateKey
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'client-key', alg: 'ES256', use: 'sig' }] }

before(async () => {
  server = await startTestServer()
  const keyClient = { tokenEndpointAuthMethod: 'private_key_jwt', jwks } as const
  signer = await server.client({ name: 'Signer', ...keyClient })
  mustSign = await server.client({ name: 'Must sign', requireSignedRequestObject: true, ...keyClient })
  person = await server.user()
})
after(() => server.close())

const seconds = () => Math.floor(Date.now() / 1000)

/** A code request as a request object signed by the client's key (or `key`), `claims` overriding. */
function requestObject(registered: RegisteredClient, pkce: Pkce, claims: JWTPayload = {}, key = privateKey) {
  const { client } = registered
  return new SignJWT({
    iss: client.id,
    aud: server.issuer,
    exp: seconds() + 60,
    nbf: seconds(),
    jti: crypto.randomUUID(),
    client_id: client.id,
    response_type: 'code',
    redirect_uri: client.redirectUris[0],
    scope: 'profile',
    state: 'signed-state',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'client-key', typ: 'oauth-authz-req+jwt' })
    .sign(key)
}

/** RFC 7523 client authentication with the same key. */
async function assertion(registered: RegisteredClient): Promise<Record<string, string>> {
  const id = registered.client.id
  const jwt = await new SignJWT({
    iss: id,
    sub: id,
    aud: server.issuer,
    exp: seconds() + 60,
    jti: crypto.randomUUID(),
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'client-key' })
    .sign(privateKey)
  return { client_id: id, client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: jwt }
}

const authorizeUrl = (params: Record<string, string>) =>
  `${server.issuer}/authorize?${new URLSearchParams(params)}`

async function redeem(registered: RegisteredClient, location: URL, pkce: Pkce): Promise<TokenReply> {
  return postJson(server, '/token', {
    grant_type: 'authorization_code',
    code: codeOf(location),
    code_verifier: pkce.verifier,
    redirect_uri: registered.client.redirectUris[0] ?? '',
    ...(await assertion(registered)),
  })
}

const push = async (registered: RegisteredClient, form: Record<string, string>) =>
  postJson(server, '/par', { ...form, ...(await assertion(registered)) })

describe('request objects by value (RFC 9101 §5)', () => {
  test('discovery says so, with the algorithms a request object may be signed with', async () => {
    const body = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >
    assert.equal(body.request_parameter_supported, true)
    assert.deepEqual(body.request_object_signing_alg_values_supported, ['RS256', 'PS256', 'ES256', 'EdDSA'])
    assert.equal(body.request_uri_parameter_supported, false)
  })

  test('the signed parameters drive the flow; the sign-in forms carry the request object', async () => {
    const pkce = newPkce()
    const browser = newBrowser(server.issuer)
    // Parameters beside the object are not used (RFC 9101 §5): this state never comes back.
    const start = async () =>
      authorizeUrl({
        client_id: signer.client.id,
        request: await requestObject(signer, pkce),
        state: 'outer',
      })
    const login = await browser.get(await start())
    assert.deepEqual(Object.keys(formOn(login.body)?.fields ?? {}).sort(), [
      'client_id',
      'csrf_token',
      'request',
      'state',
    ])
    const location = await followAuthorization(browser, await start(), { user: person })
    assert.equal(location.searchParams.get('state'), 'signed-state')
    assert.equal(location.searchParams.get('iss'), server.issuer)
    const reply = await redeem(signer, location, pkce)
    assert.equal(reply.status, 200, JSON.stringify(reply.json))
    assert.equal(reply.json.scope, 'profile')
  })

  test('a bad request object goes back to the registered redirect URI as invalid_request_object', async () => {
    const pkce = newPkce()
    const cases: [string, string][] = [
      [await requestObject(signer, pkce, {}, otherKey), 'signature'],
      [await requestObject(signer, pkce, { aud: 'https://other.example' }), 'aud'],
      [await requestObject(signer, pkce, { exp: seconds() - 120 }), 'expired'],
    ]
    for (const [request, why] of cases) {
      const page = await newBrowser(server.issuer).get(
        authorizeUrl({ client_id: signer.client.id, request, state: 's' }),
      )
      assert.equal(page.status, 302, page.body.slice(0, 300))
      const location = new URL(page.location ?? '')
      assert.equal(`${location.origin}${location.pathname}`, signer.client.redirectUris[0])
      assert.equal(location.searchParams.get('error'), 'invalid_request_object')
      assert.match(location.searchParams.get('error_description') ?? '', new RegExp(why))
      assert.equal(location.searchParams.get('state'), 's')
    }
  })

  test('beside a redirect_uri that is not registered, the error is shown, never redirected', async () => {
    const request = await requestObject(signer, newPkce(), {}, otherKey)
    const page = await newBrowser(server.issuer).get(
      authorizeUrl({ client_id: signer.client.id, request, redirect_uri: 'https://attacker.example/cb' }),
    )
    assert.equal(page.status, 400)
    assert.equal(page.location, null)
    assert.match(page.body, /invalid_request_object/)
  })

  test('a request object is used once: its jti comes back refused', async () => {
    const request = await requestObject(signer, newPkce())
    const first = await newBrowser(server.issuer).get(authorizeUrl({ client_id: signer.client.id, request }))
    assert.equal(first.status, 200)
    const second = await newBrowser(server.issuer).get(authorizeUrl({ client_id: signer.client.id, request }))
    assert.equal(new URL(second.location ?? '').searchParams.get('error'), 'invalid_request_object')
  })

  test('an id_token_hint inside the request object is checked like one beside it (OIDC Core §3.1.2.1)', async () => {
    const request = await requestObject(signer, newPkce(), { id_token_hint: 'not-an-id-token' })
    const page = await newBrowser(server.issuer).get(authorizeUrl({ client_id: signer.client.id, request }))
    const location = new URL(page.location ?? '')
    assert.equal(location.searchParams.get('error'), 'invalid_request')
    assert.match(location.searchParams.get('error_description') ?? '', /id_token_hint/)
  })

  test('a request_uri other than a pushed one stays refused with request_uri_not_supported', async () => {
    const page = await newBrowser(server.issuer).get(
      authorizeUrl({ client_id: signer.client.id, request_uri: 'https://client.example/request.jwt' }),
    )
    assert.equal(new URL(page.location ?? '').searchParams.get('error'), 'request_uri_not_supported')
  })
})

describe('request objects inside pushed requests (RFC 9126 §3)', () => {
  test('the pushed request object drives the flow', async () => {
    const pkce = newPkce()
    const reply = await push(signer, { request: await requestObject(signer, pkce) })
    assert.equal(reply.status, 201, JSON.stringify(reply.json))
    const location = await followAuthorization(
      newBrowser(server.issuer),
      authorizeUrl({ client_id: signer.client.id, request_uri: String(reply.json.request_uri) }),
      { user: person },
    )
    assert.equal(location.searchParams.get('state'), 'signed-state')
    assert.equal((await redeem(signer, location, pkce)).status, 200)
  })

  test('a bad pushed request object: 400 invalid_request_object', async () => {
    const pkce = newPkce()
    for (const claims of [
      { iss: 'someone-else' },
      { client_id: mustSign.client.id },
      { nbf: seconds() - 3600 },
    ]) {
      const reply = await push(signer, { request: await requestObject(signer, pkce, claims) })
      assertOAuthError(reply, 400, 'invalid_request_object')
    }
    const unsigned = await push(signer, { request: await requestObject(signer, pkce, {}, otherKey) })
    assertOAuthError(unsigned, 400, 'invalid_request_object')
  })
})

describe('require_signed_request_object (RFC 9101 §10.5)', () => {
  const plainRequest = (registered: RegisteredClient, pkce: Pkce) => ({
    client_id: registered.client.id,
    response_type: 'code',
    redirect_uri: registered.client.redirectUris[0] ?? '',
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    state: 'plain',
  })

  test('a plain request at /authorize goes back with invalid_request', async () => {
    const page = await newBrowser(server.issuer).get(authorizeUrl(plainRequest(mustSign, newPkce())))
    const location = new URL(page.location ?? '')
    assert.equal(location.searchParams.get('error'), 'invalid_request')
    assert.match(location.searchParams.get('error_description') ?? '', /signed request objects/)
    assert.equal(location.searchParams.get('state'), 'plain')
  })

  test('a plain pushed request: 400 invalid_request', async () => {
    assertOAuthError(await push(mustSign, plainRequest(mustSign, newPkce())), 400, 'invalid_request')
  })

  test('signed, by value or pushed, it is accepted', async () => {
    const byValue = newPkce()
    const location = await followAuthorization(
      newBrowser(server.issuer),
      authorizeUrl({ client_id: mustSign.client.id, request: await requestObject(mustSign, byValue) }),
      { user: person },
    )
    assert.equal((await redeem(mustSign, location, byValue)).status, 200)
    const pushedPkce = newPkce()
    const reply = await push(mustSign, { request: await requestObject(mustSign, pushedPkce) })
    assert.equal(reply.status, 201, JSON.stringify(reply.json))
    const pushedLocation = await followAuthorization(
      newBrowser(server.issuer),
      authorizeUrl({ client_id: mustSign.client.id, request_uri: String(reply.json.request_uri) }),
      { user: person },
    )
    assert.equal((await redeem(mustSign, pushedLocation, pushedPkce)).status, 200)
  })
})
