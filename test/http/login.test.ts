import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Client } from '../../src/core/model/client.ts'
import { digest } from '../../src/core/protocol/digest.ts'
import { codeRequest, formOn, newBrowser, newPkce, type Page, submit } from '../support/flow.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let server: TestServer
let client: Client
let user: Awaited<ReturnType<TestServer['user']>>
const pkce = newPkce()

before(async () => {
  server = await startTestServer()
  client = (await server.client({ name: 'Photo App' })).client
  user = await server.user('alice', 'alice-password-1')
})
after(() => server.close())

/** A fresh browser on the login page of a valid request. */
async function loginPage() {
  const browser = newBrowser(server.issuer)
  const page = await browser.get(`/authorize?${codeRequest(client, pkce, { state: 'st', scope: 'read' })}`)
  assert.equal(page.status, 200)
  assert.equal(formOn(page.body)?.action, '/login')
  return { browser, page }
}

function setCookie(page: Page, name: string): string | undefined {
  return page.headers.getSetCookie().find((line) => line.startsWith(`${name}=`))
}

/** The page with the username echoed in it replaced, so two failures can be compared whole. */
const withoutUsername = (body: string, username: string) =>
  body.replaceAll(`value="${username}"`, 'value="…"')

describe('login page', () => {
  test('names the client and carries the CSRF token and the request in hidden fields', async () => {
    const { page } = await loginPage()
    assert.match(page.body, /Sign in to continue to <span class="client-name">Photo App<\/span>/)
    const form = formOn(page.body)
    assert.ok(form)
    assert.match(form.fields.csrf_token ?? '', /^[A-Za-z0-9_-]{43}$/)
    assert.equal(form.fields.client_id, client.id)
    assert.equal(form.fields.state, 'st')
    assert.equal(form.fields.code_challenge, pkce.challenge)
    assert.equal(page.headers.get('cache-control'), 'no-store')
  })

  test('the right password signs in: session cookie HttpOnly, SameSite=Lax, no Secure on http loopback', async () => {
    const { browser, page } = await loginPage()
    const next = await submit(browser, page, { username: 'alice', password: 'alice-password-1' })
    assert.equal(next.status, 200)
    assert.equal(formOn(next.body)?.action, '/consent')
    const cookie = setCookie(next, 'kw_session')
    assert.ok(cookie, 'a session cookie was set')
    const attributes = cookie.split(';').map((part) => part.trim().toLowerCase())
    assert.ok(attributes.includes('httponly'))
    assert.ok(attributes.includes('samesite=lax'))
    assert.ok(attributes.includes('path=/'))
    assert.ok(!attributes.includes('secure'), 'browsers would drop a Secure cookie on http')
    const sessionId = browser.cookies.get('kw_session') ?? ''
    assert.match(sessionId, /^[A-Za-z0-9_-]{43}$/)
    // Only the digest is stored, and it belongs to alice.
    assert.equal((await server.core.stores.sessions.get(digest(sessionId)))?.userId, user.id)
    assert.equal(await server.core.stores.sessions.get(sessionId as ReturnType<typeof digest>), null)
  })

  test('the CSRF cookie has the same attributes', async () => {
    const { page } = await loginPage()
    const cookie = setCookie(page, 'kw_csrf')?.toLowerCase() ?? ''
    assert.match(cookie, /httponly/)
    assert.match(cookie, /samesite=lax/)
    assert.doesNotMatch(cookie, /secure/)
  })

  test('a wrong password and an unknown user get the same 401 page and message, and no session', async () => {
    const first = await loginPage()
    const wrongPassword = await submit(first.browser, first.page, {
      username: 'alice',
      password: 'not-her-password',
    })
    const second = await loginPage()
    const unknownUser = await submit(second.browser, second.page, {
      username: 'mallory',
      password: 'alice-password-1',
    })

    for (const failed of [wrongPassword, unknownUser]) {
      assert.equal(failed.status, 401)
      assert.equal(failed.location, null)
      assert.match(failed.body, /The username or password is incorrect\./)
      assert.equal(setCookie(failed, 'kw_session'), undefined)
    }
    // Apart from the username typed in (kept in the field) and the CSRF token of each browser, identical.
    const normalize = (page: Page, username: string) =>
      withoutUsername(page.body, username).replaceAll(formOn(page.body)?.fields.csrf_token ?? '', 'csrf')
    assert.equal(normalize(wrongPassword, 'alice'), normalize(unknownUser, 'mallory'))
    assert.equal(first.browser.cookies.has('kw_session'), false)
    assert.equal(second.browser.cookies.has('kw_session'), false)
  })

  test('after a failed attempt the form still works', async () => {
    const { browser, page } = await loginPage()
    const failed = await submit(browser, page, { username: 'alice', password: 'nope-nope-nope' })
    const next = await submit(browser, failed, { username: 'alice', password: 'alice-password-1' })
    assert.equal(next.status, 200)
    assert.equal(formOn(next.body)?.action, '/consent')
  })

  test('a missing CSRF token: 400 page, no session, no redirect', async () => {
    const { browser, page } = await loginPage()
    const fields: Record<string, string> = {
      ...formOn(page.body)?.fields,
      username: 'alice',
      password: 'alice-password-1',
    }
    delete fields.csrf_token
    const refused = await browser.post('/login', fields)
    assertRefused(refused)
    assert.equal(browser.cookies.has('kw_session'), false)
    const again = await browser.get(`/authorize?${codeRequest(client, pkce, { scope: 'read' })}`)
    assert.equal(formOn(again.body)?.action, '/login', 'still not signed in')
  })

  test('a CSRF token of another browser, or a forged one: 400 page, no session', async () => {
    const victim = await loginPage()
    const attacker = await loginPage()
    const attackerToken = formOn(attacker.page.body)?.fields.csrf_token ?? ''
    for (const token of [attackerToken, `${attackerToken.slice(0, -1)}A`, 'x', 'é'.repeat(43)]) {
      const refused = await submit(victim.browser, victim.page, {
        csrf_token: token,
        username: 'alice',
        password: 'alice-password-1',
      })
      assertRefused(refused)
    }
    assert.equal(victim.browser.cookies.has('kw_session'), false)
  })

  test('a form posted without the CSRF cookie is refused, even with a real token', async () => {
    const { page } = await loginPage()
    const cookieless = newBrowser(server.issuer)
    const refused = await submit(cookieless, page, { username: 'alice', password: 'alice-password-1' })
    assertRefused(refused)
    assert.equal(cookieless.cookies.has('kw_session'), false)
  })

  test('hidden fields tampered with are validated again: a foreign redirect_uri is an error page', async () => {
    const { browser, page } = await loginPage()
    const refused = await submit(browser, page, {
      redirect_uri: 'https://attacker.example/callback',
      username: 'alice',
      password: 'alice-password-1',
    })
    assert.equal(refused.status, 400)
    assert.equal(refused.location, null)
    assert.match(refused.body, /not registered/)
    assert.equal(setCookie(refused, 'kw_session'), undefined)
  })
})

function assertRefused(page: Page): void {
  assert.equal(page.status, 400)
  assert.equal(page.location, null)
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/)
  assert.match(page.body, /This form has expired or was not sent by this site/)
  assert.equal(setCookie(page, 'kw_session'), undefined)
}
