import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { CLIENT_AUTH_POLICY } from '../../../src/core/client-auth/authenticate.ts'
import { eventsNamed } from '../../support/events.ts'
import { startTestServer } from '../../support/server.ts'
import { fetchFrom } from '../../support/source-address.ts'
import { basicAuthorization } from '../../support/oauth-client.ts'

const server = await startTestServer()
after(() => server.close())
const service = await server.client({ grantTypes: ['client_credentials'], redirectUris: [] })

describe('failed client authentication is throttled per address', () => {
  const endpoints = [
    ['/token', { grant_type: 'client_credentials' }],
    ['/revoke', { token: 'not-a-token' }],
    ['/introspect', { token: 'not-a-token' }],
    ['/device_authorization', {}],
  ] as const

  /** A client-authenticated POST from `address`, with the service's id and `secret` in a Basic header. */
  async function post(address: string, path: string, form: Record<string, string>, secret: string) {
    const response = await fetchFrom(address)(`${server.issuer}${path}`, {
      method: 'POST',
      headers: { authorization: basicAuthorization(service.client.id, secret) },
      body: new URLSearchParams(form),
    })
    return {
      status: response.status,
      headers: response.headers,
      json: (await response.json()) as Record<string, unknown>,
    }
  }

  test(`after ${CLIENT_AUTH_POLICY.limit} wrong secrets, the address waits at every endpoint, the right secret too`, async () => {
    const guesser = '127.0.0.10'
    for (let guess = 0; guess < CLIENT_AUTH_POLICY.limit; guess++) {
      const [path, form] = endpoints[guess % 3] ?? endpoints[0]
      const failed = await post(guesser, path, form, `wrong secret ${guess}`)
      assert.equal(failed.status, 401, path)
      assert.equal(failed.json.error, 'invalid_client')
    }
    for (const [path, form] of endpoints) {
      const waiting = await post(guesser, path, form, service.secret ?? '')
      assert.equal(waiting.status, 429, path)
      assert.equal(waiting.json.error, 'temporarily_unavailable')
      const wait = Number(waiting.headers.get('retry-after'))
      assert.ok(wait > 0 && wait <= CLIENT_AUTH_POLICY.windowSeconds, `${path}: Retry-After ${wait}`)
    }
    assert.equal((await post('127.0.0.11', '/token', endpoints[0][1], service.secret ?? '')).status, 200)

    const failures = eventsNamed(server.logs, 'client_authentication_failed')
    assert.equal(failures.length, CLIENT_AUTH_POLICY.limit)
    assert.ok(failures.every((event) => event.address === guesser && event.clientId === service.client.id))
    const throttled = eventsNamed(server.logs, 'client_authentication_throttled')
    assert.equal(throttled.length, endpoints.length)
    assert.ok(!server.logs.join('').includes('wrong secret'), 'no presented secret in the log')
    assert.ok(!server.logs.join('').includes(service.secret ?? '-'), 'nor the right one')

    server.clock.advance(CLIENT_AUTH_POLICY.windowSeconds)
    assert.equal((await post(guesser, '/token', endpoints[0][1], service.secret ?? '')).status, 200)
  })

  test('right secrets from a busy address are never counted', async () => {
    for (let request = 0; request < CLIENT_AUTH_POLICY.limit + 10; request++) {
      assert.equal((await post('127.0.0.12', '/token', endpoints[0][1], service.secret ?? '')).status, 200)
    }
  })
})
