import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createInitialAccessToken, sweepExpired } from '../../../src/core/index.ts'
import { eventsNamed } from '../../support/events.ts'
import { basicAuthorization } from '../../support/oauth-client.ts'
import { register, registrationRequest, webAppMetadata } from '../../support/registration.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

async function metadata(server: TestServer): Promise<Record<string, unknown>> {
  return (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<
    string,
    unknown
  >
}

describe('registration policy off (the default)', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer()
  })
  after(() => server.close())

  test('no registration endpoint is advertised, and registering is refused', async () => {
    assert.equal((await metadata(server)).registration_endpoint, undefined)
    const reply = await register(server, webAppMetadata)
    assert.equal(reply.status, 404)
    assert.equal(reply.json.error, 'invalid_request')
    assert.equal((await server.core.stores.clients.list()).length, 0)
  })
})

describe('registration policy token (RFC 7591 §3 initial access tokens)', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ registration: { policy: 'token', perAddressPerHour: 1000 } })
  })
  after(() => server.close())

  const issue = (uses: number, ttlSeconds = 3600) =>
    createInitialAccessToken({ uses, ttlSeconds }, server.core)

  test('the endpoint is advertised; without a token registering is a 401 Bearer challenge', async () => {
    assert.equal((await metadata(server)).registration_endpoint, `${server.issuer}/register`)
    const reply = await register(server, webAppMetadata)
    assert.equal(reply.status, 401)
    assert.equal(reply.json.error, 'invalid_token')
    assert.equal(reply.headers.get('www-authenticate'), 'Bearer realm="keyward"')
  })

  test('a token registers as many clients as it has uses, then no more', async () => {
    const { token } = await issue(2)
    assert.equal((await register(server, webAppMetadata, token)).status, 201)
    assert.equal((await register(server, webAppMetadata, token)).status, 201)
    const spent = await register(server, webAppMetadata, token)
    assert.equal(spent.status, 401)
    assert.match(spent.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
  })

  test('a refused registration does not spend the use', async () => {
    const { token } = await issue(1)
    const refused = await register(
      server,
      { ...webAppMetadata, redirect_uris: ['http://x.example/cb'] },
      token,
    )
    assert.equal(refused.status, 400)
    assert.equal((await register(server, webAppMetadata, token)).status, 201)
  })

  test('an expired or unknown token is refused', async () => {
    const { token } = await issue(5, 60)
    server.clock.advance(61_000)
    assert.equal((await register(server, webAppMetadata, token)).status, 401)
    assert.equal((await register(server, webAppMetadata, 'made-up')).status, 401)
  })

  test('each registration is a security event with the address, never a token', async () => {
    const { token } = await issue(1)
    const reply = await register(server, webAppMetadata, token)
    const events = eventsNamed(server.logs, 'client_registered').filter(
      (event) => event.clientId === reply.json.client_id,
    )
    assert.equal(events.length, 1)
    assert.equal(events[0]?.address, '127.0.0.1')
    const logged = server.logs.join('\n')
    for (const secret of [token, reply.json.client_secret, reply.json.registration_access_token]) {
      assert.equal(logged.includes(String(secret)), false)
    }
  })
})

describe('registration rate limit per address', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ registration: { policy: 'open', perAddressPerHour: 3 } })
  })
  after(() => server.close())

  test('past the limit registering is a 429 with Retry-After, refused requests counted too', async () => {
    assert.equal((await register(server, webAppMetadata)).status, 201)
    assert.equal((await register(server, { client_name: 'bad' })).status, 400)
    assert.equal((await register(server, webAppMetadata)).status, 201)
    const throttled = await register(server, webAppMetadata)
    assert.equal(throttled.status, 429)
    const retryAfter = Number(throttled.headers.get('retry-after'))
    assert.ok(retryAfter > 0 && retryAfter <= 3600, `Retry-After ${retryAfter}`)
    assert.equal(eventsNamed(server.logs, 'registration_throttled').length, 1)
    assert.equal((await server.core.stores.clients.list()).length, 2)
    server.clock.advance(3601_000)
    assert.equal((await register(server, webAppMetadata)).status, 201, 'the hour is over')
  })
})

describe('unused dynamic clients expire', () => {
  let server: TestServer
  before(async () => {
    server = await startTestServer({ registration: { policy: 'open', unusedClientLifetime: 60 } })
  })
  after(() => server.close())

  test('the expiry sweep deletes a client never used within its lifetime, and keeps one that was', async () => {
    const unused = await register(server, { client_name: 'Unused', grant_types: ['client_credentials'] })
    const used = await register(server, { client_name: 'Used', grant_types: ['client_credentials'] })
    const token = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: basicAuthorization(String(used.json.client_id), String(used.json.client_secret)),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    })
    assert.equal(token.status, 200)
    server.clock.advance(61_000)
    await sweepExpired(server.core)
    assert.equal(await server.core.stores.clients.get(String(unused.json.client_id)), null)
    assert.notEqual(await server.core.stores.clients.get(String(used.json.client_id)), null)
    const path = new URL(String(unused.json.registration_client_uri)).pathname
    const gone = await registrationRequest(server, 'GET', path, {
      token: String(unused.json.registration_access_token),
    })
    assert.equal(gone.status, 401, 'RFC 7592 §2.1: a client that no longer exists is a 401')
    const events = eventsNamed(server.logs, 'client_deleted')
    assert.deepEqual(
      events.map((event) => [event.clientId, event.reason]),
      [[unused.json.client_id, 'never_used']],
    )
  })
})
