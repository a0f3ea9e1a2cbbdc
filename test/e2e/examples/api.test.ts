import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { type Api, startApi } from '../../../examples/api/app.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

interface Registered {
  readonly id: string
  readonly secret: string
}

// RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded.
const basic = ({ id, secret }: Registered) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`

describe('example API protected by @keyward/resource-server, against a real Keyward', () => {
  let keyward: TestServer
  let tokenEndpoint: string
  let api: Api
  let otherAudienceApi: Api
  let introspectingApi: Api
  let reader: Registered
  let writer: Registered
  let opaque: Registered

  async function register(registration: Parameters<TestServer['client']>[0]): Promise<Registered> {
    const { client, secret } = await keyward.client({
      grantTypes: ['client_credentials'],
      redirectUris: [],
      ...registration,
    })
    return { id: client.id, secret: secret ?? '' }
  }

  async function tokenFor(client: Registered, scope: string): Promise<string> {
    const response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
    })
    const body = (await response.json()) as { access_token: string; scope: string }
    assert.equal(response.status, 200, JSON.stringify(body))
    assert.equal(body.scope, scope)
    return body.access_token
  }

  const call = (target: Api, path: string, token?: string, init: RequestInit = {}) =>
    fetch(new URL(path, target.url), {
      ...init,
      headers: { ...init.headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    })

  before(async () => {
    keyward = await startTestServer()
    const metadata = (await (
      await fetch(`${keyward.issuer}/.well-known/oauth-authorization-server`)
    ).json()) as { token_endpoint: string }
    tokenEndpoint = metadata.token_endpoint
    reader = await register({ scopes: ['profile', 'read'] })
    writer = await register({ scopes: ['profile', 'read', 'write'] })
    opaque = await register({ scopes: ['profile'], accessTokenFormat: 'opaque' })
    const introspector = await register({ scopes: ['profile'], canIntrospect: true })
    // The API checks expiry against Keyward's clock, which the expiry test moves.
    const common = { issuer: keyward.issuer, port: 0, clock: keyward.clock }
    api = await startApi({ ...common, audience: keyward.issuer })
    otherAudienceApi = await startApi({ ...common, audience: 'https://other-api.example' })
    introspectingApi = await startApi({
      ...common,
      audience: keyward.issuer,
      introspection: { clientId: introspector.id, clientSecret: introspector.secret },
    })
  })

  after(async () => {
    await api?.close()
    await otherAudienceApi?.close()
    await introspectingApi?.close()
    await keyward?.close()
  })

  test('GET / lists every endpoint and the scope it needs, without a token', async () => {
    const response = await call(api, '/')
    assert.equal(response.status, 200)
    const body = (await response.json()) as { issuer: string; endpoints: unknown[] }
    assert.equal(body.issuer, keyward.issuer)
    assert.deepEqual(
      body.endpoints.map((endpoint) => {
        const { method, path, scope } = endpoint as Record<string, string>
        return `${method} ${path} ${scope}`
      }),
      ['GET /profile profile', 'GET /notes read', 'POST /notes write'],
    )
  })

  test('GET /profile with a profile token answers who the token speaks for', async () => {
    const response = await call(api, '/profile', await tokenFor(reader, 'profile read'))
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('cache-control'), 'no-store')
    // RFC 9068 §2.2: with client_credentials the subject is the client itself.
    assert.deepEqual(await response.json(), {
      subject: reader.id,
      client_id: reader.id,
      scopes: ['profile', 'read'],
    })
  })

  test('GET /notes with a read token lists the demo notes of the subject', async () => {
    const response = await call(api, '/notes', await tokenFor(reader, 'read'))
    assert.equal(response.status, 200)
    const body = (await response.json()) as { subject: string; notes: { id: string; text: string }[] }
    assert.equal(body.subject, reader.id)
    assert.ok(body.notes.length >= 1)
    assert.ok(body.notes[0]!.text.includes(reader.id))
  })

  test('POST /notes with a write token adds a note only its subject then sees', async () => {
    const token = await tokenFor(writer, 'read write')
    const json = { 'content-type': 'application/json' }
    const created = await call(api, '/notes', token, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ text: '  Buy milk  ' }),
    })
    assert.equal(created.status, 201)
    const note = (await created.json()) as { id: string; text: string }
    assert.equal(note.text, 'Buy milk')
    const mine = (await (await call(api, '/notes', token)).json()) as { notes: unknown[] }
    assert.deepEqual(mine.notes.at(-1), note)
    const theirs = (await (await call(api, '/notes', await tokenFor(reader, 'read'))).json()) as {
      notes: unknown[]
    }
    assert.ok(!theirs.notes.some((entry) => JSON.stringify(entry) === JSON.stringify(note)))

    const bad = [
      { init: { headers: json, body: '{"text": ""}' }, status: 400 },
      { init: { headers: json, body: '{not json' }, status: 400 },
      { init: { headers: json, body: JSON.stringify({ text: 'x'.repeat(281) }) }, status: 400 },
      { init: { headers: json, body: JSON.stringify({ text: 'x'.repeat(5_000) }) }, status: 413 },
      { init: { headers: { 'content-type': 'text/plain' }, body: 'Buy milk' }, status: 415 },
    ]
    for (const { init, status } of bad) {
      const response = await call(api, '/notes', token, { method: 'POST', ...init })
      assert.equal(response.status, status, init.body)
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request')
    }
  })

  test('no token: 401 with bare Bearer and DPoP challenges (RFC 6750 §3.1, RFC 9449 §7.1)', async () => {
    const response = await call(api, '/profile')
    assert.equal(response.status, 401)
    assert.equal(
      response.headers.get('www-authenticate'),
      `Bearer realm="${keyward.issuer}", DPoP algs="ES256 ES384 PS256 RS256 EdDSA"`,
    )
  })

  test('a garbage or forged token: 401 invalid_token', async () => {
    const genuine = await tokenFor(reader, 'profile')
    const [header, payload] = genuine.split('.')
    const forgedPayload = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload!, 'base64url').toString()),
        scope: 'profile write',
      }),
    ).toString('base64url')
    for (const token of ['garbage', `${header}.${forgedPayload}.${genuine.split('.')[2]}`]) {
      const response = await call(api, '/profile', token)
      assert.equal(response.status, 401)
      assert.match(
        response.headers.get('www-authenticate') ?? '',
        /^Bearer realm=".*", error="invalid_token"/,
      )
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_token')
    }
  })

  test('a token meant for another API: 401 invalid_token', async () => {
    const response = await call(otherAudienceApi, '/profile', await tokenFor(reader, 'profile'))
    assert.equal(response.status, 401)
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/)
  })

  test('a token without the scope: 403 insufficient_scope naming the scope', async () => {
    const token = await tokenFor(reader, 'profile')
    const notes = await call(api, '/notes', token)
    assert.equal(notes.status, 403)
    assert.match(notes.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*, scope="read"$/)

    const write = await call(api, '/notes', await tokenFor(reader, 'profile read'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text": "not allowed"}',
    })
    assert.equal(write.status, 403)
    assert.match(write.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*, scope="write"$/)
    assert.equal(((await write.json()) as { error: string }).error, 'insufficient_scope')
  })

  test('an opaque token: refused by JWKS-only verification, accepted through introspection', async () => {
    const token = await tokenFor(opaque, 'profile')
    const refused = await call(api, '/profile', token)
    assert.equal(refused.status, 401)
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/)

    const accepted = await call(introspectingApi, '/profile', token)
    assert.equal(accepted.status, 200)
    assert.deepEqual(await accepted.json(), { subject: opaque.id, client_id: opaque.id, scopes: ['profile'] })
  })

  test('unknown paths answer 404 and wrong methods 405 with Allow', async () => {
    assert.equal((await call(api, '/nothing')).status, 404)
    const response = await call(api, '/profile', undefined, { method: 'DELETE' })
    assert.equal(response.status, 405)
    assert.equal(response.headers.get('allow'), 'GET')
  })

  // Last: it moves Keyward's and the API's clock past the token's lifetime.
  test('an expired token: 401 invalid_token', async () => {
    const token = await tokenFor(reader, 'profile')
    assert.equal((await call(api, '/profile', token)).status, 200)
    keyward.clock.advance(keyward.core.config.lifetimes.accessToken + 60)
    const response = await call(api, '/profile', token)
    assert.equal(response.status, 401)
    assert.match(
      response.headers.get('www-authenticate') ?? '',
      /error="invalid_token", error_description="the access token expired"/,
    )
  })
})
