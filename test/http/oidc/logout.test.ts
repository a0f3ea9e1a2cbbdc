import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { assertOneEvent, eventsNamed } from '../../support/events.ts'
import {
  type Browser,
  codeRequest,
  formOn,
  newBrowser,
  newPkce,
  type Page,
  submit,
} from '../../support/flow.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { codeTokens, openIdClient, type Registered } from './oidc-flow.ts'

// OpenID Connect RP-Initiated Logout 1.0 at the end_session_endpoint.

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

const SIGNED_OUT = 'https://client.example/signed-out'

function logoutClient(registration: Parameters<typeof openIdClient>[1] = {}) {
  return openIdClient(server, { postLogoutRedirectUris: [SIGNED_OUT], ...registration })
}

/** A person signed in through `registered` in a browser of their own: the browser and the ID token it got. */
async function signedIn(registered: Registered, browser: Browser = newBrowser(server.issuer)) {
  const user = await server.user()
  const reply = await codeTokens(server, registered, { params: { scope: 'openid' }, user, browser })
  return { user, browser, idToken: String(reply.json.id_token) }
}

/** Whether the browser's Keyward session is still alive: prompt=none answers a code, or login_required. */
async function stillSignedIn(browser: Browser, registered: Registered): Promise<boolean> {
  const query = codeRequest(registered.client, newPkce(), { scope: 'openid', prompt: 'none' })
  const page = await browser.get(`/authorize?${query}`)
  const location = new URL(page.location ?? 'about:blank')
  if (location.searchParams.get('error') === 'login_required') return false
  assert.ok(location.searchParams.get('code'), `a code or login_required: ${page.location}`)
  return true
}

const logoutUrl = (params: Readonly<Record<string, string>>) => `/logout?${new URLSearchParams(params)}`

/** An error page: shown to the person, never a redirect anywhere. */
function assertErrorPage(page: Page, message: RegExp): void {
  assert.equal(page.status, 400)
  assert.equal(page.location, null)
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/)
  assert.match(page.body, message)
}

describe('RP-Initiated Logout 1.0', () => {
  test('an id_token_hint of this very session signs out at once and returns to the client with state', async () => {
    const registered = await logoutClient()
    const { user, browser, idToken } = await signedIn(registered)
    const page = await browser.get(
      logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: 'af0ifjsldkj' }),
    )
    assert.equal(page.status, 302)
    assert.equal(page.location, `${SIGNED_OUT}?state=af0ifjsldkj`)
    // The cookie is cleared, and the session row is gone: a copy of the old cookie signs in nobody.
    assert.match(page.headers.getSetCookie().join('\n'), /kw_session=;.*Expires=Thu, 01 Jan 1970/)
    assert.equal(await stillSignedIn(browser, registered), false)
    assert.deepEqual(await server.core.stores.sessions.listByUser(user.id), [])
    assertOneEvent(eventsNamed(server.logs, 'signed_out'), {
      event: 'signed_out',
      userId: user.id,
      clientId: registered.client.id,
      address: '127.0.0.1',
      reason: 'rp_initiated',
    })
  })

  test('POST works as GET, and an expired hint still identifies the session (§4)', async () => {
    const registered = await logoutClient()
    const { browser, idToken } = await signedIn(registered)
    const exp = Number(decodeJwt(idToken).exp)
    server.clock.advance(exp - Math.floor(server.clock.now().getTime() / 1000) + 60)
    const page = await browser.post('/logout', {
      id_token_hint: idToken,
      post_logout_redirect_uri: SIGNED_OUT,
    })
    assert.equal(page.status, 303)
    assert.equal(page.location, SIGNED_OUT)
    assert.equal(await stillSignedIn(browser, registered), false)
  })

  test('a POST that shows no session (the cookie stays home on a cross-site POST) goes on by GET', async () => {
    const registered = await logoutClient()
    const { browser, idToken } = await signedIn(registered)
    const params = { id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: 'p' }
    const cookieless = await newBrowser(server.issuer).post('/logout', params)
    assert.equal(cookieless.status, 303)
    assert.equal(cookieless.location, `${server.issuer}${logoutUrl(params)}`)
    const page = await browser.get(cookieless.location ?? '')
    assert.equal(page.location, `${SIGNED_OUT}?state=p`)
    assert.equal(await stillSignedIn(browser, registered), false)
  })

  test('without a hint the person is asked; "Sign out" ends the session and returns with state', async () => {
    const registered = await logoutClient()
    const { browser } = await signedIn(registered)
    const asked = await browser.get(
      logoutUrl({ client_id: registered.client.id, post_logout_redirect_uri: SIGNED_OUT, state: 's1' }),
    )
    assert.equal(asked.status, 200)
    assert.match(asked.body, /Sign out of Keyward\?/)
    const form = formOn(asked.body)
    assert.equal(form?.action, '/logout/confirm')
    assert.ok(form?.fields.csrf_token, 'the form carries the CSRF token')
    // Asking ends nothing yet.
    assert.equal(await stillSignedIn(browser, registered), true)
    const done = await submit(browser, asked, { decision: 'sign_out' })
    assert.equal(done.status, 303)
    assert.equal(done.location, `${SIGNED_OUT}?state=s1`)
    assert.equal(await stillSignedIn(browser, registered), false)
  })

  test('"Stay signed in" returns to the client and keeps the session', async () => {
    const registered = await logoutClient()
    const { browser } = await signedIn(registered)
    const asked = await browser.get(
      logoutUrl({ client_id: registered.client.id, post_logout_redirect_uri: SIGNED_OUT }),
    )
    const done = await submit(browser, asked, { decision: 'stay' })
    assert.equal(done.location, SIGNED_OUT)
    assert.equal(await stillSignedIn(browser, registered), true)
  })

  test('a hint from an earlier session of the same person asks first', async () => {
    const registered = await logoutClient()
    const earlier = await signedIn(registered)
    const browser = newBrowser(server.issuer)
    const now = await codeTokens(server, registered, {
      params: { scope: 'openid' },
      user: earlier.user,
      browser,
    })
    assert.notEqual(decodeJwt(String(now.json.id_token)).sid, decodeJwt(earlier.idToken).sid)
    const page = await browser.get(logoutUrl({ id_token_hint: earlier.idToken }))
    assert.equal(page.status, 200)
    assert.equal(formOn(page.body)?.action, '/logout/confirm')
    assert.equal(await stillSignedIn(browser, registered), true)
  })

  test('with nowhere to return to, a page says the person is signed out', async () => {
    const registered = await logoutClient()
    const { browser, idToken } = await signedIn(registered)
    const page = await browser.get(logoutUrl({ id_token_hint: idToken }))
    assert.equal(page.status, 200)
    assert.match(page.body, /You are signed out/)
    assert.equal(await stillSignedIn(browser, registered), false)
  })

  test('without a session there is nothing to end: straight back to the client', async () => {
    const registered = await logoutClient()
    const page = await newBrowser(server.issuer).get(
      logoutUrl({ client_id: registered.client.id, post_logout_redirect_uri: SIGNED_OUT, state: 'x' }),
    )
    assert.equal(page.location, `${SIGNED_OUT}?state=x`)
  })

  test('logout_hint and ui_locales are accepted', async () => {
    const registered = await logoutClient()
    const { browser, user } = await signedIn(registered)
    const page = await browser.get(
      logoutUrl({ client_id: registered.client.id, logout_hint: user.username, ui_locales: 'fr en' }),
    )
    assert.equal(page.status, 200)
    assert.equal(formOn(page.body)?.fields.logout_hint, user.username)
  })
})

describe('RP-Initiated Logout 1.0: refusals are error pages, never redirects', () => {
  test('a post_logout_redirect_uri the client did not register (exact match, §3.1)', async () => {
    const registered = await logoutClient()
    const { browser, idToken } = await signedIn(registered)
    for (const uri of [
      `${SIGNED_OUT}/`,
      `${SIGNED_OUT}?x=1`,
      'https://attacker.example/',
      SIGNED_OUT.toUpperCase(),
    ]) {
      assertErrorPage(
        await browser.get(logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: uri })),
        /post_logout_redirect_uri is not registered/,
      )
    }
    assert.equal(await stillSignedIn(browser, registered), true)
  })

  test('a post_logout_redirect_uri of another client', async () => {
    const registered = await logoutClient()
    await logoutClient({ postLogoutRedirectUris: ['https://other.example/bye'] })
    assertErrorPage(
      await newBrowser(server.issuer).get(
        logoutUrl({ client_id: registered.client.id, post_logout_redirect_uri: 'https://other.example/bye' }),
      ),
      /not registered for this client/,
    )
  })

  test('a post_logout_redirect_uri without a client to check it against', async () => {
    assertErrorPage(
      await newBrowser(server.issuer).get(logoutUrl({ post_logout_redirect_uri: SIGNED_OUT })),
      /needs a client_id or an id_token_hint/,
    )
  })

  test('a tampered id_token_hint, an access token, and something else entirely', async () => {
    const registered = await logoutClient()
    const { browser, idToken } = await signedIn(registered)
    const [header, payload, signature] = idToken.split('.') as [string, string, string]
    const claims = decodeJwt(idToken)
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')
    const accessToken = (await codeTokens(server, registered, { params: { scope: 'openid' }, browser })).json
      .access_token
    for (const hint of [
      `${header}.${forged}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
      String(accessToken),
      'not-a-jwt',
    ]) {
      assertErrorPage(await browser.get(logoutUrl({ id_token_hint: hint })), /not an ID token issued by/)
    }
    assert.equal(await stillSignedIn(browser, registered), true)
  })

  test('a client_id the hint was not issued to', async () => {
    const registered = await logoutClient()
    const other = await logoutClient()
    const { browser, idToken } = await signedIn(registered)
    assertErrorPage(
      await browser.get(
        logoutUrl({
          id_token_hint: idToken,
          client_id: other.client.id,
          post_logout_redirect_uri: SIGNED_OUT,
        }),
      ),
      /not issued to this client_id/,
    )
    assert.equal(await stillSignedIn(browser, registered), true)
  })

  test('an unknown client_id, and a repeated parameter', async () => {
    const browser = newBrowser(server.issuer)
    assertErrorPage(await browser.get(logoutUrl({ client_id: 'nobody' })), /client_id is not known/)
    assertErrorPage(await browser.get('/logout?state=a&state=b'), /more than once/)
  })

  test('the confirmation form without its CSRF token ends nothing', async () => {
    const registered = await logoutClient()
    const { browser } = await signedIn(registered)
    const asked = await browser.get(logoutUrl({ client_id: registered.client.id }))
    const fields = formOn(asked.body)?.fields ?? {}
    const page = await browser.post('/logout/confirm', {
      ...fields,
      csrf_token: 'forged',
      decision: 'sign_out',
    })
    assert.equal(page.status, 400)
    assert.equal(await stillSignedIn(browser, registered), true)
  })

  test('the confirmation form is checked again: a swapped return address is refused', async () => {
    const registered = await logoutClient()
    const { browser } = await signedIn(registered)
    const asked = await browser.get(logoutUrl({ client_id: registered.client.id }))
    const page = await submit(browser, asked, {
      decision: 'sign_out',
      post_logout_redirect_uri: 'https://attacker.example/',
    })
    assertErrorPage(page, /not registered for this client/)
    assert.equal(await stillSignedIn(browser, registered), true)
  })
})
