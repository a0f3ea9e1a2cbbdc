import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Client } from '../../src/core/model/client.ts'
import {
  authorizeCode,
  codeOf,
  codeRequest,
  formOn,
  newBrowser,
  newPkce,
  type Page,
  submit,
} from '../support/flow.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let server: TestServer
let client: Client
const pkce = newPkce()
const CLIENT_NAME = 'Acme <Photos> & "Friends"'

before(async () => {
  server = await startTestServer()
  client = (await server.client({ name: CLIENT_NAME })).client
})
after(() => server.close())

const authorizeUrl = (params: Record<string, string | undefined>) =>
  `/authorize?${codeRequest(client, pkce, params)}`

/** A browser signed in as a new user, left on the consent page of a request for `scope`. */
async function consentPage(scope = 'profile read', state = 'st') {
  const user = await server.user()
  const browser = newBrowser(server.issuer)
  const login = await browser.get(authorizeUrl({ scope, state }))
  const page = await submit(browser, login, { username: user.username, password: user.password })
  assert.equal(page.status, 200)
  assert.equal(formOn(page.body)?.action, '/consent')
  return { browser, page, user }
}

/** A browser signed in as a new user who approved `scope` for the client. */
async function approvedBrowser(scope = 'read') {
  const user = await server.user()
  const browser = newBrowser(server.issuer)
  codeOf(await authorizeCode(server, { client, user, pkce, browser, params: { scope } }))
  return { browser, user }
}

function redirectOf(page: Page): URL {
  assert.ok(page.status === 302 || page.status === 303, `a redirect, not ${page.status}`)
  const location = new URL(page.location ?? '')
  assert.equal(`${location.origin}${location.pathname}`, client.redirectUris[0])
  assert.equal(location.searchParams.get('iss'), server.issuer)
  return location
}

describe('consent page', () => {
  test('names the client (escaped) and describes each requested scope, and only those', async () => {
    const { page, user } = await consentPage('profile read')
    assert.match(page.body, /Acme &lt;Photos&gt; &amp; &quot;Friends&quot;/)
    assert.ok(!page.body.includes(CLIENT_NAME))
    assert.match(page.body, /See your username/)
    assert.match(page.body, /Read your data/)
    assert.doesNotMatch(page.body, /Create and change your data/)
    assert.ok(page.body.includes(`Signed in as <strong>${user.username}</strong>`))
    assert.equal(page.headers.get('cache-control'), 'no-store')
  })

  test('deny → access_denied back to the client with state and iss, and nothing remembered', async () => {
    const { browser, page, user } = await consentPage('read', 'deny-state')
    const location = redirectOf(await submit(browser, page, { decision: 'deny' }))
    assert.equal(location.searchParams.get('error'), 'access_denied')
    assert.equal(location.searchParams.get('state'), 'deny-state')
    assert.equal(location.searchParams.has('code'), false)
    assert.equal(await server.core.stores.consents.get(user.id, client.id), null)
  })

  test('approve → a code with state and iss; the next request skips the page', async () => {
    const { browser, page, user } = await consentPage('read', 'approve-state')
    const approved = redirectOf(await submit(browser, page, { decision: 'approve' }))
    assert.equal(approved.searchParams.get('state'), 'approve-state')
    codeOf(approved)
    assert.deepEqual((await server.core.stores.consents.get(user.id, client.id))?.scope, ['read'])

    const again = await browser.get(authorizeUrl({ scope: 'read', state: 'again' }))
    assert.equal(again.status, 302)
    const location = redirectOf(again)
    assert.equal(location.searchParams.get('state'), 'again')
    codeOf(location)
  })

  test('a request for more than was approved shows the page again, for the whole scope', async () => {
    const { browser } = await approvedBrowser('read')
    const page = await browser.get(authorizeUrl({ scope: 'read write' }))
    assert.equal(page.status, 200)
    assert.equal(formOn(page.body)?.action, '/consent')
    assert.match(page.body, /Create and change your data/)
  })

  test('prompt=consent shows the page even though consent is remembered', async () => {
    const { browser } = await approvedBrowser('read')
    const page = await browser.get(authorizeUrl({ scope: 'read', prompt: 'consent' }))
    assert.equal(page.status, 200)
    assert.equal(formOn(page.body)?.action, '/consent')
  })

  test('prompt=login shows the login page despite the session; signing in again goes straight on', async () => {
    const { browser, user } = await approvedBrowser('read')
    const page = await browser.get(authorizeUrl({ scope: 'read', prompt: 'login', state: 'relogin' }))
    assert.equal(page.status, 200)
    assert.equal(formOn(page.body)?.action, '/login')
    const after = await submit(browser, page, { username: user.username, password: user.password })
    const location = redirectOf(after)
    assert.equal(location.searchParams.get('state'), 'relogin')
    codeOf(location)
  })

  test('prompt=none without a session → login_required', async () => {
    const page = await newBrowser(server.issuer).get(
      authorizeUrl({ scope: 'read', prompt: 'none', state: 'n1' }),
    )
    const location = redirectOf(page)
    assert.equal(location.searchParams.get('error'), 'login_required')
    assert.equal(location.searchParams.get('state'), 'n1')
  })

  test('prompt=none with a session but no consent for the scope → consent_required', async () => {
    const { browser } = await approvedBrowser('read')
    const page = await browser.get(authorizeUrl({ scope: 'read write', prompt: 'none', state: 'n2' }))
    const location = redirectOf(page)
    assert.equal(location.searchParams.get('error'), 'consent_required')
    assert.equal(location.searchParams.get('state'), 'n2')
  })

  test('prompt=none with a session and consent → a code without any page', async () => {
    const { browser } = await approvedBrowser('read')
    const location = redirectOf(
      await browser.get(authorizeUrl({ scope: 'read', prompt: 'none', state: 'n3' })),
    )
    assert.equal(location.searchParams.get('state'), 'n3')
    codeOf(location)
  })

  test('a wrong CSRF token: 400 page, no code, nothing remembered', async () => {
    const { browser, page, user } = await consentPage('write')
    for (const csrf_token of ['forged', undefined]) {
      const fields: Record<string, string> = { ...formOn(page.body)?.fields, decision: 'approve' }
      if (csrf_token === undefined) delete fields.csrf_token
      else fields.csrf_token = csrf_token
      const refused = await browser.post('/consent', fields)
      assert.equal(refused.status, 400)
      assert.equal(refused.location, null)
      assert.match(refused.body, /This form has expired or was not sent by this site/)
    }
    assert.equal(await server.core.stores.consents.get(user.id, client.id), null)
  })

  test('a consent form posted without a session goes back to the login page', async () => {
    const { page } = await consentPage('read')
    const stranger = newBrowser(server.issuer)
    const strangerPage = await stranger.get(authorizeUrl({ scope: 'read' }))
    const csrf = formOn(strangerPage.body)?.fields.csrf_token ?? ''
    const result = await stranger.post('/consent', {
      ...formOn(page.body)?.fields,
      csrf_token: csrf,
      decision: 'approve',
    })
    assert.equal(result.status, 200)
    assert.equal(result.location, null)
    assert.equal(formOn(result.body)?.action, '/login')
  })
})

describe('consent page: where the person goes, and who they are', () => {
  test("shows the redirect URI's host", async () => {
    const { page } = await consentPage()
    const host = new URL(client.redirectUris[0] ?? '').host
    assert.match(page.body, new RegExp(`Afterwards you will be sent to <strong>${host}</strong>\\.`))
  })

  test('"Not you?" signs in again for the same request, and the other person consents', async () => {
    const { browser, page } = await consentPage('profile read', 'switch-state')
    const href = /<a href="([^"]*)">Not you\? Use another account<\/a>/.exec(page.body)?.[1]
    assert.ok(href, 'the page offers another account')
    const link = new URL(href.replaceAll('&amp;', '&'), server.issuer)
    assert.equal(link.pathname, '/login', 'the sign-in page of the same request')
    assert.equal(link.searchParams.get('prompt'), null)
    assert.equal(link.searchParams.get('state'), 'switch-state', 'the same request')
    assert.equal(link.searchParams.get('client_id'), client.id)

    const login = await browser.get(`${link.pathname}${link.search}`)
    assert.equal(formOn(login.body)?.action, '/login', 'the signed-in browser is asked to sign in')
    const other = await server.user()
    const consent = await submit(browser, login, { username: other.username, password: other.password })
    assert.match(consent.body, new RegExp(`Signed in as <strong>${other.username}</strong>`))
    const location = redirectOf(await submit(browser, consent, { decision: 'approve' }))
    assert.equal(location.searchParams.get('state'), 'switch-state')
    codeOf(location)
    assert.ok(await server.core.stores.consents.get(other.id, client.id), 'the other person consented')
  })
})
