import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { authorizeCode, formOn, newBrowser } from '../../support/flow.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { codeTokens, openAuthorization, openIdClient, type Registered } from './oidc-flow.ts'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

/** The first page an authorization request shows (or where it redirects), for this browser. */
const open = (
  registered: Registered,
  params: Record<string, string>,
  browser?: ReturnType<typeof newBrowser>,
) => openAuthorization(server, registered, params, browser)

function errorOf(location: string | null): string | null {
  return location === null ? null : new URL(location).searchParams.get('error')
}

describe('OpenID Connect authorization request parameters (Core §3.1.2.1)', () => {
  test('max_age: a session older than it signs in again, and auth_time says when', async () => {
    const registered = await openIdClient(server)
    const user = await server.user()
    const browser = newBrowser(server.issuer)
    const firstToken = await codeTokens(server, registered, { user, browser, params: { scope: 'openid' } })
    const firstAuthTime = decodeJwt(String(firstToken.json.id_token)).auth_time as number

    server.clock.advance(120)
    // Within max_age: the session is good, straight back to the client.
    const fresh = await open(registered, { max_age: '600' }, browser)
    assert.equal(new URL(fresh.location ?? '').origin, 'https://client.example')

    // Older than max_age: the login page again, and the new sign-in's time in the ID token.
    const stale = await open(registered, { max_age: '60' }, browser)
    assert.equal(stale.status, 200)
    assert.equal(formOn(stale.body)?.action, '/login')
    const params = { scope: 'openid', max_age: '60' }
    const reply = await codeTokens(server, registered, { user, browser, params })
    const authTime = decodeJwt(String(reply.json.id_token)).auth_time as number
    assert.ok(authTime >= firstAuthTime + 120, `${authTime} vs ${firstAuthTime}`)
  })

  test('max_age=0 always signs in again; a malformed max_age is invalid_request', async () => {
    const registered = await openIdClient(server)
    const user = await server.user()
    const browser = newBrowser(server.issuer)
    await authorizeCode(server, { client: registered.client, user, browser, params: { scope: 'openid' } })
    server.clock.advance(1)
    assert.equal(formOn((await open(registered, { max_age: '0' }, browser)).body)?.action, '/login')
    assert.equal(errorOf((await open(registered, { max_age: '-1' }, browser)).location), 'invalid_request')
    assert.equal(errorOf((await open(registered, { max_age: 'soon' }, browser)).location), 'invalid_request')
  })

  test('login_hint fills in the username', async () => {
    const registered = await openIdClient(server)
    const page = await open(registered, { login_hint: 'ada@example.org' })
    assert.match(page.body, /name="username"[^>]*value="ada@example.org"/)
  })

  test('prompt=select_account is a new sign-in; prompt=none without a session is login_required', async () => {
    const registered = await openIdClient(server)
    const user = await server.user()
    const browser = newBrowser(server.issuer)
    await authorizeCode(server, { client: registered.client, user, browser, params: { scope: 'openid' } })
    assert.equal(
      formOn((await open(registered, { prompt: 'select_account' }, browser)).body)?.action,
      '/login',
    )
    assert.equal(errorOf((await open(registered, { prompt: 'none' })).location), 'login_required')
  })

  test('an unsigned request object and a request_uri are refused with their own errors', async () => {
    const registered = await openIdClient(server)
    // RFC 9101 §6.3: a request object must be signed by the client's keys (test/http/request-objects.test.ts).
    assert.equal(
      errorOf((await open(registered, { request: 'eyJhbGciOiJub25lIn0.e30.' })).location),
      'invalid_request_object',
    )
    // OpenID Connect Core §3.1.2.6: a request_uri other than a pushed request's is not fetched.
    assert.equal(
      errorOf((await open(registered, { request_uri: 'https://client.example/request.jwt' })).location),
      'request_uri_not_supported',
    )
  })

  test('the registration parameter is refused with registration_not_supported', async () => {
    const registered = await openIdClient(server)
    // OpenID Connect Core §3.1.2.6 (§7.2.1): the error defined for it, rather than silently ignoring it.
    const page = await open(registered, { registration: '{"client_name":"Self-issued"}' })
    assert.equal(errorOf(page.location), 'registration_not_supported')
  })

  test('response_type=id_token (implicit) is unsupported for a client without the legacy implicit flow', async () => {
    const registered = await openIdClient(server)
    const page = await open(registered, { response_type: 'id_token', nonce: 'n' })
    const fragment = new URLSearchParams(new URL(page.location ?? '').hash.slice(1))
    assert.equal(fragment.get('error'), 'unsupported_response_type')
    // Where an operator enabled it: test/http/oidc/implicit.test.ts.
  })

  // id_token_hint is checked: test/http/oidc/id-token-hint.test.ts.
  test('ui_locales, claims_locales and acr_values are accepted and carried through sign-in', async () => {
    const registered = await openIdClient(server)
    const user = await server.user()
    const params = {
      scope: 'openid',
      ui_locales: 'fr-CA fr',
      claims_locales: 'fr',
      acr_values: 'urn:example:pwd',
      nonce: 'carried',
    }
    const reply = await codeTokens(server, registered, { user, params })
    assert.equal(decodeJwt(String(reply.json.id_token)).nonce, 'carried')
  })
})
