import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { SIGN_IN_PAIR_POLICY } from '../../../src/core/sign-in.ts'
import { startTestServer } from '../../support/server.ts'
import {
  assertBearerTokens,
  type RegisteredClient,
  type TokenReply,
  tokenRequest,
} from '../../support/oauth-client.ts'
import { codeRequest, formOn, newBrowser, newPkce, submit } from '../../support/flow.ts'

const MAX_FAILURES = SIGN_IN_PAIR_POLICY.limit
const FIRST_WAIT = SIGN_IN_PAIR_POLICY.backoff?.firstSeconds ?? 0

const server = await startTestServer()
after(() => server.close())
const legacy = await server.client({
  name: 'Old desktop app',
  grantTypes: ['password', 'refresh_token'],
  redirectUris: [],
  allowLegacy: ['password'],
})

describe('RFC 6749 §4.3 password grant, a legacy flow (RFC 9700 §2.4)', () => {
  const passwordRequest = (
    registered: RegisteredClient,
    username: string,
    password: string,
    extra: Record<string, string> = {},
  ): Promise<TokenReply> =>
    tokenRequest(server, registered, { grant_type: 'password', username, password, ...extra })

  test('works for a client an operator enabled it for, with a refresh token when allowed', async () => {
    const user = await server.user()
    const reply = await passwordRequest(legacy, user.username, user.password, { scope: 'read' })
    assertBearerTokens(reply, 'read')

    const refreshed = await tokenRequest(server, legacy, {
      grant_type: 'refresh_token',
      refresh_token: String(reply.json.refresh_token),
    })
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.json))
  })

  test('no refresh token for a client without the refresh_token grant', async () => {
    const noRefresh = await server.client({
      grantTypes: ['password'],
      redirectUris: [],
      allowLegacy: ['password'],
    })
    const user = await server.user()
    const reply = await passwordRequest(noRefresh, user.username, user.password)
    assert.equal(reply.status, 200, JSON.stringify(reply.json))
    assert.equal(reply.json.refresh_token, undefined)
  })

  test('refused with unauthorized_client without the opt-in, even when the grant type is stored', async () => {
    const user = await server.user()
    const plain = await server.client({ grantTypes: ['authorization_code'] })
    const refused = await passwordRequest(plain, user.username, user.password)
    assert.equal(refused.status, 400)
    assert.equal(refused.json.error, 'unauthorized_client')

    // A row written behind the registration's back: the grant type without the operator's acknowledgement.
    const sneaky = await server.client({ grantTypes: ['authorization_code'] })
    await server.core.stores.clients.delete(sneaky.client.id)
    await server.core.stores.clients.create({
      ...sneaky.client,
      grantTypes: ['password', 'refresh_token'],
      legacyFlows: [],
    })
    const stillRefused = await passwordRequest(sneaky, user.username, user.password)
    assert.equal(stillRefused.status, 400)
    assert.equal(stillRefused.json.error, 'unauthorized_client')
    assert.equal(stillRefused.json.access_token, undefined)
  })

  test('a wrong password and an unknown user get the same error body', async () => {
    const user = await server.user()
    const wrong = await passwordRequest(legacy, user.username, 'not the password')
    const unknown = await passwordRequest(legacy, `nobody-${user.username}`, user.password)
    assert.equal(wrong.status, 400)
    assert.equal(unknown.status, wrong.status)
    assert.equal(wrong.json.error, 'invalid_grant')
    assert.deepEqual(unknown.json, wrong.json)
  })

  test(`after ${MAX_FAILURES} failures from one address, it waits before trying that username again`, async () => {
    const user = await server.user()
    const failure = await passwordRequest(legacy, user.username, 'guess 0')
    for (let attempt = 1; attempt < MAX_FAILURES; attempt++) {
      assert.deepEqual((await passwordRequest(legacy, user.username, `guess ${attempt}`)).json, failure.json)
    }
    const waiting = await passwordRequest(legacy, user.username, user.password)
    assert.equal(waiting.status, 429, 'the right password waits too')
    assert.equal(waiting.json.error, 'temporarily_unavailable')
    assert.equal(waiting.headers.get('retry-after'), String(FIRST_WAIT))
    // Per username, case-insensitively: another spelling of the name waits as long.
    assert.equal((await passwordRequest(legacy, user.username.toUpperCase(), user.password)).status, 429)
    // Another user is not affected.
    const other = await server.user()
    assert.equal((await passwordRequest(legacy, other.username, other.password)).status, 200)

    server.clock.advance(FIRST_WAIT - 1)
    assert.equal((await passwordRequest(legacy, user.username, user.password)).status, 429, 'still waiting')
    server.clock.advance(1)
    const signedIn = await passwordRequest(legacy, user.username, user.password)
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.json))
  })

  test('a success forgets earlier failures', async () => {
    const user = await server.user()
    for (let attempt = 1; attempt < MAX_FAILURES; attempt++) {
      await passwordRequest(legacy, user.username, `guess ${attempt}`)
    }
    assert.equal((await passwordRequest(legacy, user.username, user.password)).status, 200)
    for (let attempt = 1; attempt < MAX_FAILURES; attempt++) {
      await passwordRequest(legacy, user.username, `guess ${attempt}`)
    }
    assert.equal((await passwordRequest(legacy, user.username, user.password)).status, 200, 'four since')
  })

  test('the login form shares the wait with the password grant, both ways', async () => {
    const web = await server.client({ name: 'Web app' })
    const browser = newBrowser(server.issuer)
    let page = await browser.get(`/authorize?${codeRequest(web.client, newPkce(), { state: 's' })}`)
    assert.equal(formOn(page.body)?.action, '/login')

    const viaGrant = await server.user()
    for (let attempt = 0; attempt < MAX_FAILURES; attempt++) {
      await passwordRequest(legacy, viaGrant.username, `guess ${attempt}`)
    }
    page = await submit(browser, page, { username: viaGrant.username, password: viaGrant.password })
    assert.equal(page.status, 429, 'the login form makes the right password of a waiting username wait')
    assert.equal(formOn(page.body)?.action, '/login')

    const viaForm = await server.user()
    for (let attempt = 0; attempt < MAX_FAILURES; attempt++) {
      page = await submit(browser, page, { username: viaForm.username, password: `guess ${attempt}` })
      assert.equal(page.status, 401)
    }
    const waiting = await passwordRequest(legacy, viaForm.username, viaForm.password)
    assert.equal(waiting.status, 429)
    assert.equal(waiting.json.error, 'temporarily_unavailable')

    server.clock.advance(FIRST_WAIT)
    const signedIn = await submit(browser, page, { username: viaForm.username, password: viaForm.password })
    assert.equal(formOn(signedIn.body)?.action, '/consent', 'after the wait the login form works again')
  })
})
