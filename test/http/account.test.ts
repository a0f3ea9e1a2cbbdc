import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Browser, grantTokens, newBrowser, type Page } from '../support/flow.ts'
import { assertOneEvent, securityEvents } from '../support/events.ts'
import { introspect, refresh, type RegisteredClient } from '../support/oauth-client.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { forms, hiddenFields, tagsNamed } from './views/markup.ts'

let server: TestServer
let photos: RegisteredClient
before(async () => {
  server = await startTestServer()
  photos = await server.client({ name: 'Photo Album', canIntrospect: true })
})
after(() => server.close())

type Person = Awaited<ReturnType<TestServer['user']>>

/** The page's form that posts to `path`, with its hidden fields (the CSRF token among them). */
function formTo(page: Page, path: string, match: (fields: Map<string, string>) => boolean = () => true) {
  const form = forms(page.body).find(
    (markup) =>
      tagsNamed(markup, 'form')[0]?.attributes.get('action') === path && match(hiddenFields(markup)),
  )
  assert.ok(form, `a form to ${path} on: ${page.body.slice(0, 2000)}`)
  return Object.fromEntries(hiddenFields(form))
}

/** A browser that signed in on the account's own login page, and the account page it then shows. */
async function signedIn(person: Person): Promise<{ browser: Browser; page: Page }> {
  const browser = newBrowser(server.issuer)
  const login = await browser.get('/account/login')
  const signedIn = await browser.post('/account/login', {
    ...formTo(login, '/account/login'),
    username: person.username,
    password: person.password,
  })
  assert.equal(signedIn.status, 303)
  assert.equal(signedIn.location, `${server.issuer}/account`)
  const page = await browser.get('/account')
  assert.equal(page.status, 200)
  return { browser, page }
}

/** The sids of a person's live sessions. */
const sidsOf = async (person: Person) =>
  (await server.core.stores.sessions.listByUser(person.id)).map((session) => session.sid)

describe('the account page', () => {
  test('not signed in: sent to the login page, which returns to /account', async () => {
    const browser = newBrowser(server.issuer)
    const page = await browser.get('/account')
    assert.equal(page.status, 302)
    assert.equal(page.location, `${server.issuer}/account/login`)
    const person = await server.user()
    const { page: account } = await signedIn(person)
    assert.match(account.body, /<h1>Your account<\/h1>/)
    assert.match(account.body, new RegExp(`Signed in as <strong>${person.username}</strong>`))
    assert.match(account.body, /This browser/)
  })

  test('a wrong password stays on the login page, said in the same words as every sign-in', async () => {
    const person = await server.user()
    const browser = newBrowser(server.issuer)
    const login = await browser.get('/account/login')
    const again = await browser.post('/account/login', {
      ...formTo(login, '/account/login'),
      username: person.username,
      password: 'not the password',
    })
    assert.equal(again.status, 401)
    assert.match(again.body, /The username or password is incorrect\./)
  })

  test('every form needs this browser’s CSRF token', async () => {
    const person = await server.user()
    const { browser, page } = await signedIn(person)
    const sids = await sidsOf(person)
    for (const path of ['/account/sessions/end-all', '/account/sessions/end', '/account/password']) {
      const fields = formTo(page, path)
      const refused = await browser.post(path, { ...fields, csrf_token: 'forged', sid: sids[0] ?? '' })
      assert.equal(refused.status, 400, path)
      assert.match(refused.body, /This form has expired or was not sent by this site/, path)
    }
    assert.deepEqual(await sidsOf(person), sids, 'no session ended')
  })

  test('disconnecting an app revokes its tokens and forgets the consent', async () => {
    const person = await server.user()
    const browser = newBrowser(server.issuer)
    const tokens = await grantTokens(server, photos, person, 'profile read', browser)
    const page = await browser.get('/account')
    assert.match(page.body, /<span class="client-name">Photo Album<\/span>/)
    assert.match(page.body, /<li>See your username, name and profile details<\/li><li>Read your data<\/li>/)

    const fields = formTo(page, '/account/disconnect')
    assert.equal(fields.client_id, photos.client.id)
    const after = await browser.post('/account/disconnect', fields)
    assert.equal(after.status, 200)
    assert.match(after.body, /Photo Album is disconnected/)
    assert.match(after.body, /You have not allowed any app/)

    assert.equal((await refresh(server, photos, tokens.refreshToken)).json.error, 'invalid_grant')
    assert.equal((await introspect(server, photos, tokens.accessToken)).active, false)
    assert.equal(await server.core.stores.consents.get(person.id, photos.client.id), null)
    const grant = (await server.core.stores.grants.listByUser(person.id))[0]
    assert.equal(grant?.revokedReason, 'user')
    const events = securityEvents(server.logs)
    assertOneEvent(events, {
      event: 'grant_revoked',
      grantId: grant?.id ?? '',
      clientId: photos.client.id,
      userId: person.id,
      reason: 'user',
    })
    assertOneEvent(events, {
      event: 'consent_revoked',
      userId: person.id,
      clientId: photos.client.id,
      reason: 'user',
    })
  })

  test('a person cannot end another person’s session', async () => {
    const alice = await server.user()
    const bob = await server.user()
    const { browser } = await signedIn(alice)
    const bobs = await signedIn(bob)
    const [bobSid = ''] = await sidsOf(bob)
    const page = await browser.get('/account')
    const tried = await browser.post('/account/sessions/end', {
      ...formTo(page, '/account/sessions/end'),
      sid: bobSid,
    })
    assert.equal(tried.status, 200)
    assert.match(tried.body, /That session had ended already\./)
    assert.deepEqual(await sidsOf(bob), [bobSid])
    assert.equal((await bobs.browser.get('/account')).status, 200, 'Bob is still signed in')
  })

  test('signing out of another session of one’s own, then everywhere', async () => {
    const person = await server.user()
    const first = await signedIn(person)
    const second = await signedIn(person)
    const firstSid = /<li class="current">[\s\S]*?name="sid" value="([^"]+)"/.exec(first.page.body)?.[1]
    assert.ok(firstSid, 'the first browser’s page marks its session')
    const page = await second.browser.get('/account')
    const ended = await second.browser.post(
      '/account/sessions/end',
      formTo(page, '/account/sessions/end', (fields) => fields.get('sid') === firstSid),
    )
    assert.match(ended.body, /That session is signed out\./)
    assert.equal((await first.browser.get('/account')).status, 302, 'the first browser is signed out')
    assert.equal((await second.browser.get('/account')).status, 200, 'this one is not')

    const all = await second.browser.post(
      '/account/sessions/end-all',
      formTo(page, '/account/sessions/end-all'),
    )
    assert.equal(all.status, 303)
    assert.equal(all.location, `${server.issuer}/account/login`)
    assert.deepEqual(await sidsOf(person), [])
  })

  test('changing the password needs the current one, and ends the other sessions only', async () => {
    const person = await server.user()
    const other = await signedIn(person)
    const { browser, page } = await signedIn(person)
    const form = formTo(page, '/account/password')
    const change = (fields: Record<string, string>) =>
      browser.post('/account/password', { ...form, ...fields })

    const wrong = await change({
      current_password: 'not my password',
      new_password: 'a brand new password',
      confirm_password: 'a brand new password',
    })
    assert.equal(wrong.status, 400)
    assert.match(wrong.body, /Your current password is not correct\./)
    const short = await change({
      current_password: person.password,
      new_password: 'short',
      confirm_password: 'short',
    })
    assert.match(short.body, /A password has at least 8 characters\./)
    assert.equal((await other.browser.get('/account')).status, 200, 'refused changes end nothing')

    const changed = await change({
      current_password: person.password,
      new_password: 'a brand new password',
      confirm_password: 'a brand new password',
    })
    assert.equal(changed.status, 200)
    assert.match(changed.body, /Your password is changed\. 1 other session was signed out\./)
    assert.equal((await other.browser.get('/account')).status, 302, 'the other browser is signed out')
    assert.equal((await browser.get('/account')).status, 200, 'this browser stays signed in')
    await signedIn({ ...person, password: 'a brand new password' })
    assertOneEvent(securityEvents(server.logs), {
      event: 'password_changed',
      userId: person.id,
      address: '127.0.0.1',
    })
  })
})
