import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { decodeJwt } from 'jose'
import { digest } from '../../../src/core/protocol/digest.ts'
import { assertBearerTokens } from '../../support/oauth-client.ts'
import { startTestServer } from '../../support/server.ts'
import { decideOnPages, deviceClient, errorOf, poll, startDevice } from '../../support/device-flow.ts'

const server = await startTestServer()
after(() => server.close())
const device = await deviceClient(server)
const person = await server.user()

describe('RFC 8628 §3.4–§3.5 polling the token endpoint (fake clock)', () => {
  const storedInterval = async (deviceCode: string) =>
    (await server.core.stores.deviceCodes.getByDeviceCode(digest(deviceCode)))?.interval

  test('authorization_pending while the person has not decided', async () => {
    const { deviceCode, interval } = await startDevice(server, device)
    assert.equal(errorOf(await poll(server, device, deviceCode)), 'authorization_pending')
    server.clock.advance(interval)
    assert.equal(errorOf(await poll(server, device, deviceCode)), 'authorization_pending')
  })

  test('slow_down before the interval, which grows by 5 seconds each time', async () => {
    const { deviceCode, interval } = await startDevice(server, device)
    assert.equal(interval, 5)
    assert.equal(errorOf(await poll(server, device, deviceCode)), 'authorization_pending')

    for (const expected of [10, 15, 20]) {
      server.clock.advance(interval - 1)
      const reply = await poll(server, device, deviceCode)
      assert.equal(errorOf(reply), 'slow_down')
      assert.match(String(reply.json.error_description), new RegExp(`at least ${expected} seconds`))
      assert.equal(await storedInterval(deviceCode), expected)
    }
    // Waiting less than the grown interval is still too fast; waiting it out is polite again.
    server.clock.advance(19)
    assert.equal(errorOf(await poll(server, device, deviceCode)), 'slow_down')
    assert.equal(await storedInterval(deviceCode), 25)
    server.clock.advance(25)
    assert.equal(errorOf(await poll(server, device, deviceCode)), 'authorization_pending')
    assert.equal(await storedInterval(deviceCode), 25, 'a polite poll keeps the interval')
  })

  test('tokens once approved, and the device code is single use', async () => {
    const { deviceCode, userCode, interval } = await startDevice(server, device, { scope: 'read' })
    assert.equal(errorOf(await poll(server, device, deviceCode)), 'authorization_pending')
    const done = await decideOnPages(server, userCode, person, 'approve')
    assert.match(done.body, /You can return to your device/)

    server.clock.advance(interval)
    const tokens = await poll(server, device, deviceCode)
    assertBearerTokens(tokens, 'read')
    const claims = decodeJwt(String(tokens.json.access_token))
    assert.equal(claims.client_id, device.client.id)
    assert.equal(claims.sub, (await server.core.stores.users.getByUsername(person.username))?.id)

    server.clock.advance(interval)
    const again = await poll(server, device, deviceCode)
    assert.equal(errorOf(again), 'invalid_grant')
    assert.equal(again.json.access_token, undefined)
  })

  test('access_denied once the person denies', async () => {
    const { deviceCode, userCode, interval } = await startDevice(server, device)
    const done = await decideOnPages(server, userCode, person, 'deny')
    assert.match(done.body, /Access denied/)
    assert.equal(errorOf(await poll(server, device, deviceCode)), 'access_denied')
    server.clock.advance(interval)
    assert.equal(errorOf(await poll(server, device, deviceCode)), 'access_denied')
  })

  test('expired_token after expires_in, even once approved', async () => {
    const pending = await startDevice(server, device)
    const approved = await startDevice(server, device)
    await decideOnPages(server, approved.userCode, person, 'approve')
    server.clock.advance(pending.expiresIn)
    assert.equal(errorOf(await poll(server, device, pending.deviceCode)), 'expired_token')
    assert.equal(errorOf(await poll(server, device, approved.deviceCode)), 'expired_token')
  })

  test("another client's device code is invalid_grant, and leaves the code usable by its owner", async () => {
    const { deviceCode, userCode } = await startDevice(server, device)
    await decideOnPages(server, userCode, person, 'approve')
    const other = await deviceClient(server, { name: 'Other TV' })
    const confidential = await deviceClient(server, { name: 'Kiosk', type: 'confidential' })
    assert.equal(errorOf(await poll(server, other, deviceCode)), 'invalid_grant')
    assert.equal(errorOf(await poll(server, confidential, deviceCode)), 'invalid_grant')
    const tokens = await poll(server, device, deviceCode)
    assert.equal(tokens.status, 200, JSON.stringify(tokens.json))
  })

  test('a client without the device grant gets unauthorized_client when it polls', async () => {
    const { deviceCode } = await startDevice(server, device)
    const webApp = await server.client({ type: 'public', grantTypes: ['authorization_code'] })
    const reply = await poll(server, webApp, deviceCode)
    assert.equal(errorOf(reply), 'unauthorized_client')
  })

  test('an unknown device code is invalid_grant; a missing one is invalid_request', async () => {
    assert.equal(errorOf(await poll(server, device, 'not-a-device-code')), 'invalid_grant')
    const reply = await poll(server, device, '')
    assert.equal(errorOf(reply), 'invalid_request')
  })
})
