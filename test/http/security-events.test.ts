import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, test } from 'node:test'
import { decideOnPages, deviceClient, poll, startDevice } from '../support/device-flow.ts'
import { assertNoneLogged, assertOneEvent, requestOf, securityEvents } from '../support/events.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { newBrowser, onlyGrantOf, issueCode } from '../support/flow.ts'
import { basicAuthorization, postToken, redeemCode, tokensOf } from '../support/oauth-client.ts'

const ADDRESS = '127.0.0.1'

const server: TestServer = await startTestServer({ logLevel: 'trace' })
after(() => server.close())

test('consent, code reuse and key creation are logged once each, with their ids and address, never a secret', async () => {
  const secrets = new Map<string, string>()
  const password = `pw-${randomBytes(12).toString('base64url')}`
  const user = await server.user(`events-${randomBytes(4).toString('hex')}`, password)
  const web = await server.client({ name: 'Web' })
  secrets.set('password', password)
  secrets.set('client secret', web.secret ?? '')

  // The code flow: sign in, consent, redeem; then the code again.
  const browser = newBrowser(server.issuer)
  const { code, verifier } = await issueCode(server, { client: web.client, user, scope: 'read', browser })
  const tokens = tokensOf(await redeemCode(server, { ...web, code, verifier }))
  assert.equal((await redeemCode(server, { ...web, code, verifier })).status, 400)
  const grant = await onlyGrantOf(server, user.id)
  secrets.set('code', code)
  secrets.set('code verifier', verifier)
  secrets.set('access token', tokens.accessToken)
  secrets.set('refresh token', tokens.refreshToken ?? '')
  secrets.set('session id', browser.cookies.get('kw_session') ?? '')

  // The device flow: the person approves on the pages.
  const device = await deviceClient(server, { scopes: ['profile', 'read'] })
  const codes = await startDevice(server, device, { scope: 'read' })
  await decideOnPages(server, codes.userCode, user, 'approve')
  assert.equal((await poll(server, device, codes.deviceCode)).status, 200)
  secrets.set('device code', codes.deviceCode)
  secrets.set('user code', codes.userCode)
  secrets.set('user code without its dash', codes.userCode.replace('-', ''))

  const events = securityEvents(server.logs)
  const common = { userId: user.id, address: ADDRESS }
  assertOneEvent(events, { event: 'consent_granted', clientId: web.client.id, ...common, scope: 'read' })
  assertOneEvent(events, {
    event: 'authorization_code_reused',
    clientId: web.client.id,
    grantId: grant.id,
    ...common,
  })
  assertOneEvent(events, { event: 'consent_granted', clientId: device.client.id, ...common, scope: 'read' })
  // A new database has no signing key: the server made the one it signs with.
  assertOneEvent(events, {
    event: 'signing_key_rotated',
    keyId: server.core.keys.active().kid,
    reason: 'no_signing_key',
  })
  assert.equal(
    events.filter((event) => event.event === 'authorization_code_reused').length,
    1,
    'the reuse is reported by its event alone',
  )
  assert.ok(
    !server.logs.some((line) => line.includes('securityEvent') && line.includes('authorization_code')),
    'not also as the error of the response',
  )

  assertNoneLogged(server.logs.join('\n'), secrets)
})

test('each event emitted during a request carries the id its log lines carry; the key made at start, none', async () => {
  const user = await server.user(`request-ids-${randomBytes(4).toString('hex')}`)
  const web = await server.client({ name: 'Request ids' })
  await issueCode(server, { client: web.client, user, scope: 'read', browser: newBrowser(server.issuer) })
  const wrong = await postToken(
    server,
    { grant_type: 'client_credentials' },
    { authorization: basicAuthorization(web.client.id, 'wrong') },
  )
  assert.equal(wrong.status, 401)

  const events = securityEvents(server.logs)
  const requestsOf = (name: string, key: 'userId' | 'clientId', value: string) =>
    events
      .filter((event) => event.event === name && event[key] === value)
      .map((event) => requestOf(server.logs, String(event.requestId)))
  assert.deepEqual(requestsOf('sign_in_succeeded', 'userId', user.id), ['POST /login'])
  assert.deepEqual(requestsOf('consent_granted', 'userId', user.id), ['POST /consent'])
  assert.deepEqual(requestsOf('client_authentication_failed', 'clientId', web.client.id), ['POST /token'])
  const [atStart] = events.filter((event) => event.event === 'signing_key_rotated')
  assert.ok(atStart)
  assert.equal(atStart.requestId, undefined)
})
