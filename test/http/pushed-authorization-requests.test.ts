import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  codeOf,
  codeRequest,
  followAuthorization,
  formOn,
  newBrowser,
  newPkce,
  type Page,
  type Pkce,
  submit,
} from '../support/flow.ts'
import {
  assertOAuthError,
  authentication,
  basicAuthorization,
  postJson,
  type RegisteredClient,
  redeemCode,
  type TokenReply,
} from '../support/oauth-client.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let server: TestServer
let web: RegisteredClient
let other: RegisteredClient
let publicApp: RegisteredClient
let mustPush: RegisteredClient
let person: Awaited<ReturnType<TestServer['user']>>

before(async () => {
  server = await startTestServer()
  web = await server.client({ name: 'Web' })
  other = await server.client({ name: 'Other' })
  publicApp = await server.client({
    name: 'SPA',
    type: 'public',
    redirectUris: ['http://127.0.0.1:5173/callback'],
  })
  mustPush = await server.client({ name: 'Pushes', requirePushedAuthorizationRequests: true })
  person = await server.user()
})
after(() => server.close())

/** POST /par as `registered` authenticates, with a code request's parameters overridden by `params`. */
function push(
  registered: RegisteredClient,
  pkce: Pkce,
  params: Readonly<Record<string, string | undefined>> = {},
): Promise<TokenReply> {
  const auth = authentication(registered)
  const form = Object.fromEntries(codeRequest(registered.client, pkce, { state: 'pushed-state', ...params }))
  return postJson(server, '/par', { ...form, ...auth.form }, auth.headers)
}

/** A pushed request's request_uri, after checking the RFC 9126 §2.2 response. */
async function pushed(registered: RegisteredClient, pkce: Pkce = newPkce()): Promise<string> {
  const reply = await push(registered, pkce)
  assert.equal(reply.status, 201, JSON.stringify(reply.json))
  assert.equal(reply.headers.get('cache-control'), 'no-store')
  const requestUri = reply.json.request_uri
  assert.equal(typeof requestUri, 'string')
  assert.match(String(requestUri), /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/)
  assert.equal(reply.json.expires_in, 60)
  return String(requestUri)
}

const authorizeUrl = (params: Record<string, string>) =>
  `${server.issuer}/authorize?${new URLSearchParams(params)}`

/** The person signs in and approves a request `registered` pushed; returns where the browser is sent. */
const signInToPushed = (registered: RegisteredClient, requestUri: string) =>
  followAuthorization(
    newBrowser(server.issuer),
    authorizeUrl({ client_id: registered.client.id, request_uri: requestUri }),
    { user: person },
  )

function assertErrorPage(page: Page, code: string, message: RegExp): void {
  assert.equal(page.status, 400, page.body.slice(0, 300))
  assert.equal(page.location, null, 'the person is told, never redirected')
  assert.match(page.body, new RegExp(code))
  assert.match(page.body, message)
}

describe('push, then authorize (RFC 9126 §2, §4)', () => {
  test('the pushed parameters drive the flow; the code redeems for tokens', async () => {
    const pkce = newPkce()
    const requestUri = await pushed(web, pkce)
    const location = await signInToPushed(web, requestUri)
    assert.equal(`${location.origin}${location.pathname}`, web.client.redirectUris[0])
    assert.equal(location.searchParams.get('state'), 'pushed-state')
    assert.equal(location.searchParams.get('iss'), server.issuer)
    const reply = await redeemCode(server, { ...web, code: codeOf(location), verifier: pkce.verifier })
    assert.equal(reply.status, 200, JSON.stringify(reply.json))
    assert.equal(reply.json.token_type, 'Bearer')
  })

  test('a public client pushes with its client_id alone', async () => {
    const pkce = newPkce()
    const requestUri = await pushed(publicApp, pkce)
    const location = await signInToPushed(publicApp, requestUri)
    const reply = await redeemCode(server, { ...publicApp, code: codeOf(location), verifier: pkce.verifier })
    assert.equal(reply.status, 200, JSON.stringify(reply.json))
  })

  test('the sign-in forms carry only client_id and request_uri, and outlive expires_in', async () => {
    // A client the person has not consented to yet, so that both forms are shown.
    const fresh = await server.client({ name: 'Fresh' })
    const requestUri = await pushed(fresh)
    const browser = newBrowser(server.issuer)
    const login = await browser.get(authorizeUrl({ client_id: fresh.client.id, request_uri: requestUri }))
    const fields = formOn(login.body)?.fields ?? {}
    assert.deepEqual(Object.keys(fields).sort(), ['client_id', 'csrf_token', 'request_uri'])
    // expires_in is for bringing the browser; the person may take longer to sign in.
    server.clock.advance(120)
    const consent = await submit(browser, login, { username: person.username, password: person.password })
    assert.deepEqual(Object.keys(formOn(consent.body)?.fields ?? {}).sort(), [
      'client_id',
      'csrf_token',
      'request_uri',
    ])
    const done = await submit(browser, consent, { decision: 'approve' })
    assert.ok(done.location, done.body.slice(0, 300))
    assert.ok(new URL(done.location).searchParams.get('code'))
  })
})

describe('a request_uri is used once, by its client, before it expires', () => {
  test('reuse after the response went back is refused with invalid_request_uri', async () => {
    const requestUri = await pushed(web)
    const start = authorizeUrl({ client_id: web.client.id, request_uri: requestUri })
    const browser = newBrowser(server.issuer)
    codeOf(await followAuthorization(browser, start, { user: person }))
    assertErrorPage(await browser.get(start), 'invalid_request_uri', /expired or was used/)
  })

  test('a denial uses it too', async () => {
    const fresh = await server.client({ name: 'Denied' })
    const requestUri = await pushed(fresh)
    const start = authorizeUrl({ client_id: fresh.client.id, request_uri: requestUri })
    const browser = newBrowser(server.issuer)
    const denied = await followAuthorization(browser, start, { user: person, consent: 'deny' })
    assert.equal(denied.searchParams.get('error'), 'access_denied')
    assertErrorPage(await browser.get(start), 'invalid_request_uri', /expired or was used/)
  })

  test('of racing approvals of one pushed request, exactly one gets a code', async () => {
    const fresh = await server.client({ name: 'Raced' })
    const requestUri = await pushed(fresh)
    const browser = newBrowser(server.issuer)
    const login = await browser.get(authorizeUrl({ client_id: fresh.client.id, request_uri: requestUri }))
    const consent = await submit(browser, login, { username: person.username, password: person.password })
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => submit(browser, consent, { decision: 'approve' })),
    )
    const codes = answers.filter((page) => new URL(page.location ?? 'x:').searchParams.has('code'))
    assert.equal(codes.length, 1)
    for (const page of answers.filter((answer) => !codes.includes(answer))) {
      // Refused on arrival (a page), or at the use itself when it lost the race (back to the client).
      const error = page.location === null ? page.body : new URL(page.location).searchParams.get('error')
      assert.match(error ?? '', /invalid_request_uri/)
    }
  })

  test('an expired request_uri is refused', async () => {
    const requestUri = await pushed(web)
    server.clock.advance(61)
    const page = await newBrowser(server.issuer).get(
      authorizeUrl({ client_id: web.client.id, request_uri: requestUri }),
    )
    assertErrorPage(page, 'invalid_request_uri', /expired/)
  })

  test('an unknown one is refused', async () => {
    const page = await newBrowser(server.issuer).get(
      authorizeUrl({ client_id: web.client.id, request_uri: 'urn:ietf:params:oauth:request_uri:nothing' }),
    )
    assertErrorPage(page, 'invalid_request_uri', /expired or was used/)
  })

  test("another client's client_id is refused", async () => {
    const requestUri = await pushed(web)
    const page = await newBrowser(server.issuer).get(
      authorizeUrl({ client_id: other.client.id, request_uri: requestUri }),
    )
    assertErrorPage(page, 'invalid_request', /pushed by another application/)
  })

  test('parameters sent beside request_uri with other values are refused, not mixed in', async () => {
    const requestUri = await pushed(web)
    const page = await newBrowser(server.issuer).get(
      authorizeUrl({
        client_id: web.client.id,
        request_uri: requestUri,
        response_type: 'code',
        scope: 'write',
        state: 'x',
      }),
    )
    assertErrorPage(page, 'invalid_request', /scope, state differ from the pushed request/)
  })

  test('the same values repeated beside request_uri (OpenID Connect Core §6.1) are accepted', async () => {
    const requestUri = await pushed(web)
    const location = await followAuthorization(
      newBrowser(server.issuer),
      authorizeUrl({
        client_id: web.client.id,
        request_uri: requestUri,
        response_type: 'code',
        state: 'pushed-state',
      }),
      { user: person },
    )
    assert.equal(location.searchParams.get('state'), 'pushed-state')
    codeOf(location)
  })

  test('client_id is required beside request_uri', async () => {
    const requestUri = await pushed(web)
    const page = await newBrowser(server.issuer).get(authorizeUrl({ request_uri: requestUri }))
    assertErrorPage(page, 'invalid_request', /client_id/)
  })

  test('a request_uri that is not a pushed request is still refused (request objects are not supported)', async () => {
    const page = await newBrowser(server.issuer).get(
      `${server.issuer}/authorize?${codeRequest(web.client, newPkce(), { request_uri: 'https://client.example/request.jwt' })}`,
    )
    assert.equal(page.status, 302)
    assert.equal(new URL(page.location ?? '').searchParams.get('error'), 'request_uri_not_supported')
  })
})

describe('the push is refused as the authorization endpoint would refuse it, in JSON (RFC 9126 §2.3)', () => {
  test('no client authentication: 401 invalid_client', async () => {
    const form = Object.fromEntries(codeRequest(web.client, newPkce()))
    assertOAuthError(await postJson(server, '/par', form), 401, 'invalid_client')
  })

  test('a wrong secret: 401 invalid_client with a Basic challenge', async () => {
    const form = Object.fromEntries(codeRequest(web.client, newPkce()))
    const reply = await postJson(server, '/par', form, {
      authorization: basicAuthorization(web.client.id, 'wrong'),
    })
    assertOAuthError(reply, 401, 'invalid_client')
    assert.match(reply.headers.get('www-authenticate') ?? '', /^Basic/)
  })

  test('the rules of an authorization request', async () => {
    const pkce = newPkce()
    const cases: [Record<string, string | undefined>, string, RegExp][] = [
      [{ code_challenge: undefined }, 'invalid_request', /code_challenge/],
      [{ code_challenge_method: 'plain' }, 'invalid_request', /S256/],
      [{ redirect_uri: 'https://attacker.example/callback' }, 'invalid_request', /not registered/],
      [{ response_type: 'token' }, 'unsupported_response_type', /implicit/],
      [{ response_mode: 'fragment' }, 'invalid_request', /response_mode/],
      [{ request: 'eyJhbGciOiJub25lIn0.e30.' }, 'invalid_request_object', /request object/],
      [{ request_uri: 'urn:ietf:params:oauth:request_uri:x' }, 'invalid_request', /request_uri/],
      [{ client_id: other.client.id }, 'invalid_request', /authenticated client/],
      [{ client_id: undefined }, 'invalid_request', /client_id/],
    ]
    for (const [params, error, description] of cases) {
      const reply = await push(web, pkce, params)
      assertOAuthError(reply, 400, error)
      assert.match(String(reply.json.error_description), description, JSON.stringify(params))
    }
  })
})

describe('PAR required (RFC 9126 §5, §6)', () => {
  test('a client registered to push: a request not pushed goes back with invalid_request', async () => {
    const page = await newBrowser(server.issuer).get(
      `${server.issuer}/authorize?${codeRequest(mustPush.client, newPkce(), { state: 's' })}`,
    )
    assert.equal(page.status, 302)
    const location = new URL(page.location ?? '')
    assert.equal(location.searchParams.get('error'), 'invalid_request')
    assert.match(location.searchParams.get('error_description') ?? '', /push/)
    assert.equal(location.searchParams.get('state'), 's')
  })

  test('the same client pushing goes through', async () => {
    const requestUri = await pushed(mustPush)
    const location = await signInToPushed(mustPush, requestUri)
    codeOf(location)
  })

  test('server-wide: metadata says so, and every client must push', async () => {
    const strict = await startTestServer({ requirePushedAuthorizationRequests: true })
    try {
      const app = await strict.client({ name: 'Web' })
      const metadata = (await (
        await fetch(`${strict.issuer}/.well-known/openid-configuration`)
      ).json()) as Record<string, unknown>
      assert.equal(metadata.require_pushed_authorization_requests, true)
      const page = await newBrowser(strict.issuer).get(
        `${strict.issuer}/authorize?${codeRequest(app.client, newPkce())}`,
      )
      assert.equal(new URL(page.location ?? '').searchParams.get('error'), 'invalid_request')
    } finally {
      await strict.close()
    }
  })

  test('metadata names the endpoint; PAR is not required by default', async () => {
    const metadata = (await (
      await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>
    assert.equal(metadata.pushed_authorization_request_endpoint, `${server.issuer}/par`)
    assert.equal(metadata.require_pushed_authorization_requests, false)
  })
})
