import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { CoreContext } from '../../src/core/context.ts'
import { createAuthorizationServer } from '../../src/core/index.ts'
import type { EndpointResult } from '../../src/core/model/endpoint-result.ts'
import type { AccountPage } from '../../src/core/model/pages.ts'
import { startSession } from '../../src/core/sessions.ts'
import { newUser } from '../../src/core/users.ts'
import { cryptoRandom } from '../../src/system.ts'
import { memoryCore } from '../support/core-context.ts'
import * as make from '../support/fixtures.ts'

// The account page's operations (src/core/endpoints/account.ts) on the memory store: no server, no database.

const ADDRESS = '192.0.2.9'
const PASSWORD = 'the old password'

async function setUp(people?: (context: CoreContext) => CoreContext['people']) {
  const { context, stores, clock, events } = await memoryCore()
  const deps = people === undefined ? context : { ...context, people: people(context) }
  const account = createAuthorizationServer(deps).account
  const person = await newUser(`person-${crypto.randomUUID()}`, PASSWORD, { clock, random: cryptoRandom })
  await stores.users.create(person)
  const signIn = async (userId = person.id) => {
    const { cookie, session } = await startSession(userId, deps)
    return { browser: { sessionId: cookie.id, address: ADDRESS }, session }
  }
  return { context: deps, stores, clock, events, account, person, signIn }
}

function modelOf(result: EndpointResult): AccountPage {
  assert.equal(result.kind, 'page')
  assert.ok(result.kind === 'page' && result.page.view === 'account', JSON.stringify(result))
  return result.page.model
}

const form = (fields: Record<string, string>) => new Map(Object.entries(fields))

describe('the account page (core)', () => {
  test('without a session: to the account login page', async () => {
    const { account, context } = await setUp()
    const result = await account.page({ sessionId: undefined, address: ADDRESS })
    assert.deepEqual(result, { kind: 'redirect', location: `${context.config.issuer}/account/login` })
  })

  test("lists the person's apps (consent or live grant) and live sessions, nobody else's", async () => {
    const { account, stores, clock, person, signIn } = await setUp()
    const photos = make.client({ name: 'Photos', scopes: ['photos:read', 'photos:write'] })
    const notes = make.client({ name: 'Notes' })
    const gone = make.client({ name: 'Gone' })
    const stranger = make.user()
    for (const client of [photos, notes, gone]) await stores.clients.create(client)
    await stores.users.create(stranger)
    await stores.consents.put(make.consent({ client: photos, user: person }, { scope: ['photos:read'] }))
    await stores.grants.create(make.grant({ client: notes, user: person }, { scope: ['openid'] }))
    await stores.grants.create(
      make.grant({ client: gone, user: person }, { revokedAt: make.t0, revokedReason: 'user' }),
    )
    await stores.consents.put(make.consent({ client: gone, user: stranger }))
    const expired = await signIn()
    clock.advance(8 * 3600 + 1)
    const other = await signIn()
    clock.advance(1)
    const { browser, session: current } = await signIn()
    await signIn(stranger.id)

    const model = modelOf(await account.page(browser))
    assert.equal(model.username, person.username)
    assert.deepEqual(
      model.apps.map((app) => [app.clientName, app.scopes.map((scope) => scope.name)]),
      [
        ['Notes', ['openid']],
        ['Photos', ['photos:read']],
      ],
    )
    assert.deepEqual(
      model.sessions.map((session) => [session.sid, session.current]),
      [
        [other.session.sid, false],
        [current.sid, true],
      ],
    )
    assert.ok(
      !model.sessions.some((session) => session.sid === expired.session.sid),
      'expired sessions are not listed',
    )
    assert.equal(model.canChangePassword, true)
  })

  test('disconnect revokes every live grant of that app and forgets the consent; other apps keep theirs', async () => {
    const { account, stores, events, person, signIn } = await setUp()
    const photos = make.client({ name: 'Photos' })
    const notes = make.client({ name: 'Notes' })
    for (const client of [photos, notes]) await stores.clients.create(client)
    const first = make.grant({ client: photos, user: person })
    const second = make.grant({ client: photos, user: person })
    const kept = make.grant({ client: notes, user: person })
    for (const grant of [first, second, kept]) await stores.grants.create(grant)
    await stores.consents.put(make.consent({ client: photos, user: person }))
    const unredeemed = make.code({ client: photos, user: person })
    await stores.codes.create(unredeemed)
    const approvedDevice = make.deviceCode(photos, { status: 'approved', userId: person.id })
    await stores.deviceCodes.create(approvedDevice)
    const { browser } = await signIn()

    const model = modelOf(await account.disconnect(form({ client_id: photos.id }), browser))
    assert.equal((await stores.codes.consume(unredeemed.digest, make.t0)).kind, 'missing', 'its code is gone')
    assert.equal(
      (await stores.deviceCodes.getByDeviceCode(approvedDevice.deviceCodeDigest))?.status,
      'denied',
    )
    assert.match(model.notice ?? '', /^Photos is disconnected/)
    assert.deepEqual(
      model.apps.map((app) => app.clientName),
      ['Notes'],
    )
    for (const grant of [first, second])
      assert.equal((await stores.grants.get(grant.id))?.revokedReason, 'user')
    assert.equal((await stores.grants.get(kept.id))?.revokedAt, null)
    assert.equal(await stores.consents.get(person.id, photos.id), null)
    assert.deepEqual(
      events
        .filter((event) => event.event !== 'sign_in_succeeded')
        .map((event) => [event.event, event.reason]),
      [
        ['grant_revoked', 'user'],
        ['grant_revoked', 'user'],
        ['consent_revoked', 'user'],
      ],
    )

    const again = modelOf(await account.disconnect(form({ client_id: photos.id }), browser))
    assert.equal(again.notice, 'Photos was not connected to your account.')
  })

  test("a session is ended only among the person's own", async () => {
    const { account, stores, person, signIn } = await setUp()
    const stranger = make.user()
    await stores.users.create(stranger)
    const theirs = await signIn(stranger.id)
    const mine = await signIn()
    const { browser } = await signIn()

    const refused = modelOf(await account.endSession(form({ sid: theirs.session.sid }), browser))
    assert.equal(refused.notice, 'That session had ended already.')
    assert.ok(await stores.sessions.get(theirs.session.digest))

    modelOf(await account.endSession(form({ sid: mine.session.sid }), browser))
    assert.equal(await stores.sessions.get(mine.session.digest), null)
    assert.equal((await stores.sessions.listByUser(person.id)).length, 1)
  })

  test('ending every session signs this browser out too', async () => {
    const { account, stores, context, person, signIn, events } = await setUp()
    await signIn()
    const { browser } = await signIn()
    const result = await account.endAllSessions(browser)
    assert.deepEqual(result, { kind: 'redirect', location: `${context.config.issuer}/account/login` })
    assert.deepEqual(await stores.sessions.listByUser(person.id), [])
    assert.deepEqual(events.at(-1), { event: 'sessions_revoked', userId: person.id, reason: 'user' })
  })

  test('a password change needs the current password and the rules, then ends the other sessions', async () => {
    const { account, context, stores, person, signIn, events } = await setUp()
    const other = await signIn()
    const { browser, session } = await signIn()
    const change = (fields: Record<string, string>) => account.changePassword(form(fields), browser)
    const next = 'the new password'

    const refusals = [
      [
        { current_password: 'wrong one!', new_password: next, confirm_password: next },
        'Your current password is not correct.',
      ],
      [
        { current_password: PASSWORD, new_password: 'short', confirm_password: 'short' },
        'A password has at least 8 characters.',
      ],
      [
        { current_password: PASSWORD, new_password: next, confirm_password: `${next}!` },
        'The two new passwords are not the same.',
      ],
    ] as const
    for (const [fields, message] of refusals) {
      const result = await change(fields)
      assert.equal(result.kind === 'page' && result.status, 400)
      assert.equal(modelOf(result).passwordError, message)
    }
    assert.equal((await stores.sessions.listByUser(person.id)).length, 2, 'a refused change ends nothing')

    const model = modelOf(
      await change({ current_password: PASSWORD, new_password: next, confirm_password: next }),
    )
    assert.equal(model.notice, 'Your password is changed. 1 other session was signed out.')
    assert.deepEqual(
      (await stores.sessions.listByUser(person.id)).map((live) => live.digest),
      [session.digest],
    )
    assert.equal(await stores.sessions.get(other.session.digest), null)
    assert.equal((await context.people.verify(person.username, next)).verified, true)
    assert.equal((await context.people.verify(person.username, PASSWORD)).verified, false)
    assert.deepEqual(events.slice(-2), [
      { event: 'password_changed', userId: person.id, address: ADDRESS },
      { event: 'sessions_revoked', userId: person.id, reason: 'password_changed' },
    ])
  })

  test('where People cannot change passwords, the page offers no form and a post is refused', async () => {
    const { account, stores, person, signIn } = await setUp((context) => ({
      verify: (username, password) => context.people.verify(username, password),
      find: (id) => context.people.find(id),
    }))
    const { browser } = await signIn()
    assert.equal(modelOf(await account.page(browser)).canChangePassword, false)
    const next = 'the new password'
    const result = await account.changePassword(
      form({ current_password: PASSWORD, new_password: next, confirm_password: next }),
      browser,
    )
    assert.equal(modelOf(result).passwordError, 'Your password is changed where your account is kept.')
    assert.equal((await stores.users.get(person.id))?.passwordHash, person.passwordHash)
  })
})
