import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { USER_CODE_POLICY } from '../../../src/core/endpoints/device-verification.ts'
import { digest } from '../../../src/core/protocol/digest.ts'
import { assertOneEvent, securityEvents } from '../../support/events.ts'
import { type Browser, formOn, newBrowser, type Page, submit } from '../../support/flow.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import {
  type DeviceCodes,
  deviceClient,
  errorOf,
  type Person,
  poll,
  reachApproval,
  startDevice,
} from '../../support/device-flow.ts'
import { type RegisteredClient } from '../../support/oauth-client.ts'

/** The value the code field of the entry page shows. */
function shownCode(page: Page): string | undefined {
  return /<input id="user_code"[^>]*\svalue="([^"]*)"/.exec(page.body)?.[1]
}

/** The text of the page's alert, if it shows one. */
function alertOf(page: Page): string | undefined {
  return /<p class="alert"[^>]*role="alert">([^<]*)<\/p>/.exec(page.body)?.[1]
}

/** The entry page, then the code typed as given: the page that comes next. */
async function enter(
  server: TestServer,
  typed: string,
  browser: Browser = newBrowser(server.issuer),
): Promise<Page> {
  const entry = await browser.get('/device')
  assert.equal(entry.status, 200)
  return submit(browser, entry, { user_code: typed })
}

async function status(server: TestServer, codes: DeviceCodes): Promise<string | undefined> {
  return (await server.core.stores.deviceCodes.getByDeviceCode(digest(codes.deviceCode)))?.status
}

describe('RFC 8628 §3.3 verification pages', () => {
  let server: TestServer
  let device: RegisteredClient
  let person: Person
  before(async () => {
    server = await startTestServer()
    device = await deviceClient(server, { name: 'Living Room TV', scopes: ['profile', 'read'] })
    person = await server.user()
  })
  after(() => server.close())

  test('the entry page asks for the code, with a CSRF token and no-store', async () => {
    const page = await newBrowser(server.issuer).get('/device')
    assert.equal(page.status, 200)
    assert.equal(page.headers.get('cache-control'), 'no-store')
    assert.match(page.body, /Enter the code shown on your device/)
    const form = formOn(page.body)
    assert.equal(form?.action, '/device')
    assert.match(form?.fields.csrf_token ?? '', /^[A-Za-z0-9_-]{43}$/)
    assert.equal(shownCode(page), '')
  })

  test('verification_uri_complete pre-fills the code; the person still confirms it', async () => {
    const codes = await startDevice(server, device)
    const browser = newBrowser(server.issuer)
    const page = await browser.get(codes.verificationUriComplete)
    assert.equal(page.status, 200)
    assert.equal(shownCode(page), codes.userCode)
    assert.equal(await status(server, codes), 'pending', 'opening the link decides nothing')
    const next = await submit(browser, page, { user_code: shownCode(page) ?? '' })
    assert.equal(formOn(next.body)?.action, '/device/login')
  })

  test('the code is accepted in lower case, with or without the dash, and with spaces', async () => {
    for (const typed of [
      (code: string) => code.toLowerCase(),
      (code: string) => code.replace('-', ''),
      (code: string) => code.replace('-', '').toLowerCase(),
      (code: string) => ` ${code.slice(0, 4)} ${code.slice(5)} `,
    ]) {
      const codes = await startDevice(server, device)
      const next = await enter(server, typed(codes.userCode))
      assert.equal(next.status, 200, next.body.slice(0, 500))
      const form = formOn(next.body)
      assert.equal(form?.action, '/device/login', `${typed(codes.userCode)} is accepted`)
      assert.equal(form?.fields.user_code, codes.userCode, 'carried on in its shown form')
    }
  })

  test('without a session the person signs in; a wrong password shows the login page again', async () => {
    const codes = await startDevice(server, device)
    const browser = newBrowser(server.issuer)
    const login = await enter(server, codes.userCode, browser)
    assert.match(login.body, /Sign in to continue to <span class="client-name">Living Room TV<\/span>/)
    const failed = await submit(browser, login, { username: person.username, password: 'wrong password' })
    assert.equal(failed.status, 401)
    assert.equal(formOn(failed.body)?.action, '/device/login')
    assert.match(alertOf(failed) ?? '', /^The username or password is incorrect\./)

    const confirm = await submit(browser, failed, { username: person.username, password: person.password })
    assert.equal(confirm.status, 200)
    assert.equal(formOn(confirm.body)?.action, '/device/decide')
    assert.ok(browser.cookies.has('kw_session'), 'signing in started a session')
  })

  test('the approval page names the client and the scopes, shows the code, and warns', async () => {
    const codes = await startDevice(server, device, { scope: 'profile read' })
    const { page } = await reachApproval(server, codes.userCode, person)
    assert.match(page.body, /<span class="client-name">Living Room TV<\/span> wants to:/)
    assert.match(page.body, /See your username/)
    assert.match(page.body, /Read your data/)
    assert.match(page.body, new RegExp(`<p class="user-code">${codes.userCode}</p>`))
    assert.match(page.body, /Only continue if you started this on your own device\./)
    assert.match(page.body, new RegExp(`Signed in as <strong>${person.username}</strong>`))
    assert.equal(page.headers.get('cache-control'), 'no-store')
  })

  test('with a session, entering a code goes straight to the approval page', async () => {
    const first = await startDevice(server, device)
    const { browser } = await reachApproval(server, first.userCode, person)
    const second = await startDevice(server, device)
    const page = await enter(server, second.userCode, browser)
    assert.equal(formOn(page.body)?.action, '/device/decide')
    assert.equal(formOn(page.body)?.fields.user_code, second.userCode)
  })

  test('approve records the person; deny records the refusal', async () => {
    const approved = await startDevice(server, device)
    const approval = await reachApproval(server, approved.userCode, person)
    const done = await submit(approval.browser, approval.page, { decision: 'approve' })
    assert.equal(done.status, 200)
    assert.match(done.body, /You can return to your device/)
    assert.match(done.body, /Living Room TV<\/span> can now use your account/)
    const stored = await server.core.stores.deviceCodes.getByDeviceCode(digest(approved.deviceCode))
    assert.equal(stored?.status, 'approved')
    assert.equal(stored?.userId, (await server.core.stores.users.getByUsername(person.username))?.id)

    const denied = await startDevice(server, device)
    const denial = await reachApproval(server, denied.userCode, person)
    const refused = await submit(denial.browser, denial.page, { decision: 'deny' })
    assert.equal(refused.status, 200)
    assert.match(refused.body, /Access denied/)
    assert.equal(await status(server, denied), 'denied')
  })

  test('a code decided once cannot be decided again, from the same form or a new one', async () => {
    const codes = await startDevice(server, device)
    const { browser, page } = await reachApproval(server, codes.userCode, person)
    await submit(browser, page, { decision: 'deny' })
    const replayed = await submit(browser, page, { decision: 'approve' })
    assert.equal(replayed.status, 400)
    assert.equal(formOn(replayed.body)?.action, '/device', 'back to the entry page')
    assert.match(alertOf(replayed) ?? '', /not valid or has expired/)
    assert.equal(await status(server, codes), 'denied')

    const again = await enter(server, codes.userCode, browser)
    assert.equal(again.status, 400)
    assert.equal(formOn(again.body)?.action, '/device')
    assert.equal(errorOf(await poll(server, device, codes.deviceCode)), 'access_denied')
  })

  test('an expired code is refused on the pages', async () => {
    const codes = await startDevice(server, device)
    const { browser, page } = await reachApproval(server, codes.userCode, person)
    server.clock.advance(codes.expiresIn)
    const late = await submit(browser, page, { decision: 'approve' })
    assert.equal(late.status, 400)
    assert.match(alertOf(late) ?? '', /not valid or has expired/)
    assert.equal(await status(server, codes), 'pending')
  })
})

// A server of its own: the login rate limit (20 posts a minute per route and address) is real-time.
describe('CSRF on the verification pages', () => {
  let server: TestServer
  let device: RegisteredClient
  let person: Person
  before(async () => {
    server = await startTestServer()
    device = await deviceClient(server)
    person = await server.user()
  })
  after(() => server.close())

  test('every POST needs the CSRF token of this browser', async () => {
    const codes = await startDevice(server, device)
    const { browser, page } = await reachApproval(server, codes.userCode, person)
    const csrf = formOn(page.body)?.fields.csrf_token ?? ''
    const forms: readonly [string, Record<string, string>][] = [
      ['/device', { user_code: codes.userCode }],
      ['/device/login', { user_code: codes.userCode, username: person.username, password: person.password }],
      ['/device/decide', { user_code: codes.userCode, decision: 'approve' }],
    ]
    // Another browser has its own CSRF cookie: this browser's token means nothing there.
    const stranger = newBrowser(server.issuer)
    await stranger.get('/device')
    for (const [path, form] of forms) {
      for (const [who, token] of [
        [browser, undefined],
        // Another first character: the old 'last character to A' left one token in 64 unchanged.
        [browser, `${csrf.startsWith('A') ? 'B' : 'A'}${csrf.slice(1)}`],
        [stranger, csrf],
      ] as const) {
        const reply = await who.post(path, token === undefined ? form : { ...form, csrf_token: token })
        assert.equal(reply.status, 400, `${path} without a valid token`)
        assert.match(reply.headers.get('content-type') ?? '', /^text\/html/)
        assert.match(reply.body, /This form has expired or was not sent by this site/)
      }
    }
    assert.equal(await status(server, codes), 'pending', 'nothing was decided')
    const done = await submit(browser, page, { decision: 'approve' })
    assert.match(done.body, /You can return to your device/)
  })
})

describe('RFC 8628 §5.1 wrong user codes are counted per person, per address before sign-in', () => {
  let server: TestServer
  let device: RegisteredClient
  let person: Person & { readonly id: string }
  before(async () => {
    server = await startTestServer()
    device = await deviceClient(server)
    person = await server.user()
  })
  after(() => server.close())

  const FIRST_WAIT = USER_CODE_POLICY.backoff?.firstSeconds ?? 0

  /** Wrong codes until the tries are used up: well-formed codes never issued, and text that cannot be a code. */
  async function useUpTries(browser: Browser, start: Page): Promise<Page> {
    let page = start
    for (let attempt = 0; attempt < USER_CODE_POLICY.limit; attempt++) {
      page = await submit(browser, page, { user_code: attempt % 2 === 0 ? 'BBBB-BBBB' : 'not a code' })
      assert.equal(page.status, 400)
      assert.match(alertOf(page) ?? '', /That code is not valid or has expired/)
    }
    return page
  }

  test('guessing at an address does not lock out the people there: they sign in, then their code is checked', async () => {
    const codes = await startDevice(server, device)
    const guesser = newBrowser(server.issuer)
    await useUpTries(guesser, await guesser.get('/device'))

    // Someone else at the same address (a fresh cookie jar) types a right code: signing in comes first.
    const neighbour = newBrowser(server.issuer)
    const login = await enter(server, codes.userCode, neighbour)
    assert.equal(login.status, 200)
    assert.equal(formOn(login.body)?.action, '/device/login')
    assert.equal(formOn(login.body)?.fields.user_code, codes.userCode)
    assert.match(alertOf(login) ?? '', /Too many wrong codes were entered from your network\. Sign in/)
    assertOneEvent(securityEvents(server.logs), { event: 'user_code_throttled', address: '127.0.0.1' })
    assert.doesNotMatch(
      login.body,
      /Living Room TV|client-name/,
      'the code is not checked yet: no client named',
    )
    const confirm = await submit(neighbour, login, { username: person.username, password: person.password })
    assert.equal(formOn(confirm.body)?.action, '/device/decide', 'checked against the person: the right code')
    assert.match(confirm.body, new RegExp(`<p class="user-code">${codes.userCode}</p>`))

    // The guesser gets no answer about codes without an account of their own.
    const probe = await submit(guesser, await guesser.get('/device'), { user_code: 'CCCC-CCCC' })
    assert.equal(formOn(probe.body)?.action, '/device/login')
    const wrongPassword = await submit(guesser, probe, { username: person.username, password: 'a guess' })
    assert.equal(wrongPassword.status, 401)
    assert.equal(formOn(wrongPassword.body)?.fields.user_code, 'CCCC-CCCC')
  })

  test(`a signed-in person has ${USER_CODE_POLICY.limit} tries of their own, then waits, longer each time`, async () => {
    const codes = await startDevice(server, device)
    const browser = newBrowser(server.issuer)
    const first = await startDevice(server, device)
    await reachApproval(server, first.userCode, person, browser)
    const page = await useUpTries(browser, await browser.get('/device'))

    const waiting = await submit(browser, page, { user_code: codes.userCode })
    assert.equal(waiting.status, 429)
    assert.equal(waiting.headers.get('retry-after'), String(FIRST_WAIT))
    assert.equal(formOn(waiting.body)?.action, '/device')
    assert.equal(alertOf(waiting), 'Too many wrong codes. Try again in 1 minute.')
    assert.equal(shownCode(waiting), codes.userCode, 'what the person typed is kept')
    assertOneEvent(securityEvents(server.logs), {
      event: 'user_code_throttled',
      userId: person.id,
      address: '127.0.0.1',
    })

    // Others at the same address are not held up by this person's tries.
    const other = await server.user()
    const elsewhere = await reachApproval(server, codes.userCode, other)
    assert.equal(formOn(elsewhere.page.body)?.action, '/device/decide')

    server.clock.advance(FIRST_WAIT)
    const wrongAgain = await submit(browser, waiting, { user_code: 'BBBB-BBBB' })
    assert.equal(wrongAgain.status, 400)
    const longer = await submit(browser, wrongAgain, { user_code: codes.userCode })
    assert.equal(longer.headers.get('retry-after'), String(2 * FIRST_WAIT), 'the wait doubled')
    server.clock.advance(2 * FIRST_WAIT)
    const accepted = await submit(browser, longer, { user_code: codes.userCode })
    assert.equal(formOn(accepted.body)?.action, '/device/decide')
  })
})
