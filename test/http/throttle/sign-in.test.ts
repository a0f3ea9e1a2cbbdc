import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { SIGN_IN_PAIR_POLICY, SIGN_IN_SOURCE_POLICY } from '../../../src/core/sign-in.ts'
import { eventsNamed, requestOf } from '../../support/events.ts'
import { startTestServer } from '../../support/server.ts'
import { fetchFrom } from '../../support/source-address.ts'
import { basicAuthorization, postToken, type TokenReply } from '../../support/oauth-client.ts'
import { codeRequest, formOn, newBrowser, newPkce, type Page, submit } from '../../support/flow.ts'

/** An event without the fields pino adds to every line. */
function ownFields(event: Record<string, unknown> | undefined): Record<string, unknown> {
  const { level: _level, time: _time, pid: _pid, hostname: _hostname, ...own } = event ?? {}
  return own
}

const server = await startTestServer()
after(() => server.close())
const legacy = await server.client({ grantTypes: ['password'], redirectUris: [], allowLegacy: ['password'] })
const web = await server.client({ name: 'Web app' })

describe('sign-in throttling: per username and address together, and per address', () => {
  /** A password grant request sent from `address` (any of 127.0.0.0/8). */
  const passwordGrant = (address: string, username: string, password: string): Promise<TokenReply> =>
    postToken(
      server,
      { grant_type: 'password', username, password },
      { authorization: basicAuthorization(legacy.client.id, legacy.secret ?? '') },
      fetchFrom(address),
    )

  /** A browser at `address` on the login page of a valid authorization request. */
  async function loginPageFrom(address: string) {
    const browser = newBrowser(server.issuer, fetchFrom(address))
    const page = await browser.get(`/authorize?${codeRequest(web.client, newPkce(), { state: 's' })}`)
    assert.equal(formOn(page.body)?.action, '/login')
    return { browser, page }
  }

  /** Asserts a 429 temporarily_unavailable telling to wait `seconds`. */
  function assertWait(reply: { status: number; headers: Headers }, seconds: number, what: string): void {
    assert.equal(reply.status, 429, what)
    assert.equal(reply.headers.get('retry-after'), String(seconds), what)
  }

  test('an attacker guessing one password waits longer and longer; its owner signs in from home', async () => {
    const victim = await server.user()
    const attacker = '127.0.0.3'
    for (let guess = 1; guess <= SIGN_IN_PAIR_POLICY.limit; guess++) {
      const failed = await passwordGrant(attacker, victim.username, `guess ${guess}`)
      assert.equal(failed.status, 400)
      assert.equal(failed.json.error, 'invalid_grant')
    }
    const slowed = await passwordGrant(attacker, victim.username, 'guess 6')
    assertWait(slowed, 60, 'the attacker waits a minute')
    assert.equal(slowed.json.error, 'temporarily_unavailable')
    assertWait(await passwordGrant(attacker, victim.username, victim.password), 60, 'even the right password')
    assertWait(
      await passwordGrant(attacker, victim.username.toUpperCase(), 'shouted'),
      60,
      'the username in any case',
    )

    // The owner, at their own address, is not held up: not through the grant, not through the login form.
    const home = '127.0.0.2'
    assert.equal((await passwordGrant(home, victim.username, victim.password)).status, 200)
    const { browser, page } = await loginPageFrom(home)
    const signedIn = await submit(browser, page, { username: victim.username, password: victim.password })
    assert.equal(formOn(signedIn.body)?.action, '/consent')

    // The login form shares the attacker's wait, and says how long it is.
    const form = await loginPageFrom(attacker)
    const refused = await submit(form.browser, form.page, { username: victim.username, password: 'guess 7' })
    assertWait(refused, 60, 'the login form')
    assert.equal(formOn(refused.body)?.action, '/login', 'the person stays on the form')
    assert.match(refused.body, /Too many failed sign-ins\. Try again in 1 minute\./)

    // After the wait, one more guess; after it, a wait twice as long.
    server.clock.advance(60)
    assert.equal((await passwordGrant(attacker, victim.username, 'guess 7')).status, 400)
    assertWait(await passwordGrant(attacker, victim.username, 'guess 8'), 120, 'the wait doubled')

    const failures = eventsNamed(server.logs, 'sign_in_failed').filter((event) => event.address === attacker)
    assert.equal(failures.length, SIGN_IN_PAIR_POLICY.limit + 1)
    const { requestId, ...own } = ownFields(failures[0])
    assert.deepEqual(own, {
      event: 'sign_in_failed',
      msg: 'sign_in_failed',
      address: attacker,
      username: victim.username,
      userId: victim.id,
    })
    assert.equal(requestOf(server.logs, String(requestId)), 'POST /token', 'the password grant it came in')
    const throttled = eventsNamed(server.logs, 'sign_in_throttled')
    assert.ok(throttled.length >= 5)
    assert.ok(
      throttled.every((event) => event.address === attacker && event.reason === 'username_and_address'),
    )
    const succeeded = eventsNamed(server.logs, 'sign_in_succeeded')
    assert.deepEqual(
      succeeded.map((event) => [event.address, event.userId, event.username]),
      [
        [home, victim.id, victim.username],
        [home, victim.id, victim.username],
      ],
    )
    assert.ok(!server.logs.join('').includes(victim.password), 'no password in the log')
  })

  test('one address spraying a password over many usernames is stopped by its budget', async () => {
    const person = await server.user()
    const sprayer = '127.0.0.4'
    const viaGrant = Math.ceil(SIGN_IN_SOURCE_POLICY.limit * 0.6)
    for (let name = 0; name < viaGrant; name++) {
      assert.equal((await passwordGrant(sprayer, `sprayed-${name}`, 'Winter2026!')).status, 400)
    }
    const form = await loginPageFrom(sprayer)
    const { browser } = form
    let { page } = form
    for (let name = viaGrant; name < SIGN_IN_SOURCE_POLICY.limit; name++) {
      page = await submit(browser, page, { username: `sprayed-${name}`, password: 'Winter2026!' })
      assert.equal(page.status, 401)
    }

    const stopped = await passwordGrant(sprayer, person.username, person.password)
    assert.equal(stopped.status, 429, 'the address has spent its budget: nobody signs in from it')
    assert.equal(stopped.json.error, 'temporarily_unavailable')
    const wait = Number(stopped.headers.get('retry-after'))
    assert.ok(wait > 0 && wait <= SIGN_IN_SOURCE_POLICY.windowSeconds, `Retry-After ${wait}`)
    const formStopped: Page = await submit(browser, page, { username: 'another', password: 'Winter2026!' })
    assert.equal(formStopped.status, 429)
    assert.equal(
      eventsNamed(server.logs, 'sign_in_throttled').filter(
        (event) => event.address === sprayer && event.reason === 'address',
      ).length,
      2,
    )

    assert.equal((await passwordGrant('127.0.0.5', person.username, person.password)).status, 200)
    server.clock.advance(SIGN_IN_SOURCE_POLICY.windowSeconds)
    assert.equal((await passwordGrant(sprayer, person.username, person.password)).status, 200)
  })

  test('a right password costs no budget: a busy address where people sign in is never stopped', async () => {
    const person = await server.user()
    const office = '127.0.0.6'
    for (let signIn = 0; signIn < SIGN_IN_SOURCE_POLICY.limit + 5; signIn++) {
      assert.equal((await passwordGrant(office, person.username, person.password)).status, 200)
    }
  })
})
