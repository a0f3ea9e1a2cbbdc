import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Client } from '../../src/core/model/client.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { redeemCode } from '../support/oauth-client.ts'
import {
  authorizeCode,
  type Browser,
  codeOf,
  codeRequest,
  newBrowser,
  newPkce,
  type Page,
} from '../support/flow.ts'

let server: TestServer
let web: { client: Client; secret: string | null }
let user: Awaited<ReturnType<TestServer['user']>>
const pkce = newPkce()

before(async () => {
  server = await startTestServer()
  web = await server.client({
    name: 'Web',
    redirectUris: ['https://client.example/callback', 'https://client.example/cb?tenant=a'],
  })
  user = await server.user()
})
after(() => server.close())

const open = (params: Record<string, string | undefined>, browser: Browser = newBrowser(server.issuer)) =>
  browser.get(`/authorize?${codeRequest(web.client, pkce, params)}`)

/** RFC 6749 §4.1.2.1: told to the person on a page, never redirected. */
function assertErrorPage(page: Page, message: RegExp): void {
  assert.equal(page.status, 400)
  assert.equal(page.location, null, 'no Location header')
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/)
  assert.match(page.body, /invalid_request/)
  assert.match(page.body, message)
}

/** Other errors go back to the client with error, state and iss (RFC 9207). */
function assertErrorRedirect(
  page: Page,
  error: string,
  state: string | null,
  base = 'https://client.example/callback',
) {
  assert.equal(page.status, 302)
  assert.ok(page.location)
  const location = new URL(page.location)
  assert.equal(`${location.origin}${location.pathname}`, base)
  assert.equal(location.searchParams.get('error'), error)
  assert.ok(location.searchParams.get('error_description'))
  assert.equal(location.searchParams.get('state'), state)
  assert.equal(location.searchParams.get('iss'), server.issuer)
  assert.equal(location.searchParams.has('code'), false)
  return location
}

describe('client and redirect URI problems: an error page, never a redirect', () => {
  test('unknown client_id', async () => {
    assertErrorPage(await open({ client_id: 'no-such-client' }), /not registered/)
  })

  test('missing client_id', async () => {
    assertErrorPage(await open({ client_id: undefined }), /client_id/)
  })

  test('missing redirect_uri when the client registered several', async () => {
    assertErrorPage(await open({ redirect_uri: undefined }), /redirect_uri/)
  })

  test('a redirect_uri that is not registered', async () => {
    assertErrorPage(await open({ redirect_uri: 'https://attacker.example/callback' }), /not registered/)
  })

  test('RFC 9700 §4.1.3: a trailing slash, other case or an extra query is another URI', async () => {
    for (const uri of [
      'https://client.example/callback/',
      'https://client.example/Callback',
      'https://CLIENT.example/callback',
      'https://client.example/callback?next=/admin',
      'https://client.example/cb?tenant=a&x=1',
      'https://client.example/cb?tenant=b',
      'https://client.example:443/callback',
    ]) {
      assertErrorPage(await open({ redirect_uri: uri }), /not registered/)
    }
  })

  test('a bad redirect_uri wins over every other error: still no redirect', async () => {
    const page = await open({
      redirect_uri: 'https://attacker.example/callback',
      response_type: 'token',
      code_challenge: undefined,
      scope: 'admin',
    })
    assertErrorPage(page, /not registered/)
  })

  test('a repeated parameter is invalid_request on a page', async () => {
    const query = codeRequest(web.client, pkce, { state: 's' })
    query.append('client_id', web.client.id)
    assertErrorPage(await newBrowser(server.issuer).get(`/authorize?${query}`), /more than once/)
    const scopes = codeRequest(web.client, pkce, { scope: 'read' })
    scopes.append('scope', 'write')
    assertErrorPage(await newBrowser(server.issuer).get(`/authorize?${scopes}`), /more than once/)
  })
})

describe('RFC 8252 §7.3: loopback redirect URIs of native apps', () => {
  let native: { client: Client; secret: string | null }
  before(async () => {
    native = await server.client({ name: 'CLI', type: 'public', redirectUris: ['http://127.0.0.1/cb'] })
  })

  test('any port on the registered loopback IP completes the flow, and the code is bound to that port', async () => {
    const redirectUri = 'http://127.0.0.1:51234/cb'
    const nativePkce = newPkce()
    const location = await authorizeCode(server, {
      client: native.client,
      user,
      pkce: nativePkce,
      params: { redirect_uri: redirectUri, state: 'n1' },
    })
    assert.equal(`${location.origin}${location.pathname}`, redirectUri)
    const code = codeOf(location)
    const tokens = await redeemCode(server, {
      ...native,
      code,
      verifier: nativePkce.verifier,
      redirectUri,
    })
    assert.equal(tokens.status, 200)
  })

  test('the exception is the port only: another path, host name or scheme is refused', async () => {
    const openNative = (redirectUri: string) =>
      newBrowser(server.issuer).get(
        `/authorize?${codeRequest(native.client, pkce, { redirect_uri: redirectUri })}`,
      )
    for (const uri of [
      'http://127.0.0.1:51234/other',
      'http://localhost:51234/cb',
      'https://127.0.0.1:51234/cb',
    ]) {
      assertErrorPage(await openNative(uri), /not registered/)
    }
  })
})

describe('request errors: a redirect with error, state and iss', () => {
  test('missing code_challenge', async () => {
    assertErrorRedirect(await open({ code_challenge: undefined, state: 's1' }), 'invalid_request', 's1')
  })

  test('code_challenge_method=plain, or none given (which means plain)', async () => {
    assertErrorRedirect(await open({ code_challenge_method: 'plain', state: 's2' }), 'invalid_request', 's2')
    assertErrorRedirect(
      await open({ code_challenge_method: undefined, state: 's3' }),
      'invalid_request',
      's3',
    )
  })

  test('a challenge that is not a base64url SHA-256', async () => {
    for (const challenge of [
      'abc',
      `${pkce.challenge}=`,
      pkce.challenge.replace(/.$/, '+'),
      'a'.repeat(128),
    ]) {
      assertErrorRedirect(await open({ code_challenge: challenge, state: 's4' }), 'invalid_request', 's4')
    }
  })

  test('invalid_scope for a scope the client may not ask for', async () => {
    assertErrorRedirect(await open({ scope: 'read admin', state: 's5' }), 'invalid_scope', 's5')
  })

  test('unsupported_response_type', async () => {
    assertErrorRedirect(
      await open({ response_type: 'code code', state: 's6' }),
      'unsupported_response_type',
      's6',
    )
    // Implicit ones for a client without the flow, hybrid ones for every client: in the fragment, their default.
    for (const responseType of ['id_token', 'token id_token', 'code id_token', 'code token']) {
      const location = new URL((await open({ response_type: responseType, state: 's7' })).location ?? '')
      const fragment = new URLSearchParams(location.hash.slice(1))
      assert.equal(fragment.get('error'), 'unsupported_response_type', responseType)
      assert.equal(fragment.get('state'), 's7')
      assert.equal(location.search, '')
    }
  })

  test('response_type=token for a client without the implicit flow: the error goes in the fragment', async () => {
    const page = await open({ response_type: 'token', state: 's8' })
    assert.equal(page.status, 302)
    const location = new URL(page.location ?? '')
    const fragment = new URLSearchParams(location.hash.slice(1))
    assert.equal(fragment.get('error'), 'unsupported_response_type')
    assert.equal(fragment.get('state'), 's8')
    assert.equal(fragment.get('iss'), server.issuer)
  })

  test('missing response_type', async () => {
    assertErrorRedirect(await open({ response_type: undefined, state: 's9' }), 'invalid_request', 's9')
  })

  test('a client without the authorization_code grant is unauthorized_client', async () => {
    const service = await server.client({
      grantTypes: ['client_credentials'],
      redirectUris: ['https://service.example/cb'],
    })
    const page = await newBrowser(server.issuer).get(
      `/authorize?${codeRequest(service.client, pkce, { state: 's10' })}`,
    )
    assertErrorRedirect(page, 'unauthorized_client', 's10', 'https://service.example/cb')
  })

  test('an unknown prompt value', async () => {
    assertErrorRedirect(await open({ prompt: 'sideways', state: 's11' }), 'invalid_request', 's11')
  })

  test('the redirect keeps the query of the registered URI', async () => {
    const location = assertErrorRedirect(
      await open({
        redirect_uri: 'https://client.example/cb?tenant=a',
        code_challenge: undefined,
        state: 's12',
      }),
      'invalid_request',
      's12',
      'https://client.example/cb',
    )
    assert.equal(location.searchParams.get('tenant'), 'a')
  })

  test('no state sent, no state returned', async () => {
    const page = await open({ code_challenge: undefined })
    assertErrorRedirect(page, 'invalid_request', null)
    assert.ok(!(page.location ?? '').includes('state='))
  })

  test('state is echoed byte for byte, whatever it contains', async () => {
    for (const state of [
      'a b+c&d=e%20f/?#',
      'é✓😀 ﷽',
      '<script>"\'`',
      '%',
      '+',
      '=',
      '&&',
      'x'.repeat(2000),
    ]) {
      const location = assertErrorRedirect(await open({ scope: 'admin', state }), 'invalid_scope', state)
      assert.equal(location.searchParams.get('state'), state)
    }
  })
})

describe('successful requests', () => {
  test('no scope requested: the client’s default scopes are granted', async () => {
    const flowPkce = newPkce()
    const location = await authorizeCode(server, { client: web.client, user, pkce: flowPkce })
    const tokens = await redeemCode(server, { ...web, code: codeOf(location), verifier: flowPkce.verifier })
    assert.equal(tokens.status, 200)
    assert.equal(tokens.json.scope, 'profile')
  })

  test('state survives login and consent byte for byte, with the code and iss', async () => {
    const state = 'é✓😀 a+b&c=d%25/?#<>"'
    const location = await authorizeCode(server, { client: web.client, user, pkce, params: { state } })
    assert.equal(location.searchParams.get('state'), state)
    assert.equal(location.searchParams.get('iss'), server.issuer)
    assert.match(codeOf(location), /^[A-Za-z0-9_-]{43}$/)
  })

  test('redirect_uri may be left out when exactly one is registered', async () => {
    const single = await server.client({ redirectUris: ['https://single.example/cb'] })
    const location = await authorizeCode(server, {
      client: single.client,
      user,
      pkce,
      params: { redirect_uri: undefined },
    })
    assert.equal(`${location.origin}${location.pathname}`, 'https://single.example/cb')
    codeOf(location)
  })

  test('RFC 6749 §3.1: POST /authorize works like GET', async () => {
    const browser = newBrowser(server.issuer)
    const params = Object.fromEntries(codeRequest(web.client, pkce, { state: 'post', scope: 'read' }))
    const viaGet = await open({ state: 'post', scope: 'read' }, browser)
    const viaPost = await browser.post('/authorize', params)
    assert.equal(viaPost.status, 200)
    assert.equal(viaPost.body, viaGet.body, 'the same login page with the same hidden fields')

    const error = await browser.post('/authorize', { ...params, code_challenge_method: 'plain' })
    assert.equal(error.status, 303)
    const location = new URL(error.location ?? '')
    assert.equal(location.searchParams.get('error'), 'invalid_request')
    assert.equal(location.searchParams.get('state'), 'post')
    assert.equal(location.searchParams.get('iss'), server.issuer)

    assertErrorPage(await browser.post('/authorize', { ...params, client_id: 'nobody' }), /not registered/)
  })
})
