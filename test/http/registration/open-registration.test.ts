import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { clientCredentials, type RegisteredClient } from '../../support/oauth-client.ts'
import { register, registrationRequest, webAppMetadata } from '../../support/registration.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'

let server: TestServer
before(async () => {
  // Every test registers from 127.0.0.1: the per-address limit has a test of its own (rate-limit.test.ts).
  server = await startTestServer({ registration: { policy: 'open', perAddressPerHour: 1000 } })
})
after(() => server.close())

/** The client a registration made, with the secret it was shown, as the token endpoint helpers take it. */
async function registeredClient(reply: { json: Record<string, unknown> }): Promise<RegisteredClient> {
  const client = await server.core.stores.clients.get(String(reply.json.client_id))
  assert.ok(client)
  return { client, secret: String(reply.json.client_secret) }
}

const configurationPath = (reply: { json: Record<string, unknown> }) =>
  new URL(String(reply.json.registration_client_uri)).pathname

describe('RFC 7591 registration under the open policy', () => {
  test('both metadata documents advertise the registration endpoint', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const document = (await (await fetch(`${server.issuer}${path}`)).json()) as Record<string, unknown>
      assert.equal(document.registration_endpoint, `${server.issuer}/register`)
    }
  })

  test('registers a client and answers RFC 7591 §3.2.1 with its secret, once', async () => {
    const reply = await register(server, { ...webAppMetadata, software_id: 'ignored-unknown-field' })
    assert.equal(reply.status, 201)
    assert.equal(reply.headers.get('cache-control'), 'no-store')
    const { json } = reply
    assert.equal(typeof json.client_id, 'string')
    assert.equal(typeof json.client_secret, 'string')
    assert.equal(json.client_secret_expires_at, 0)
    assert.equal(typeof json.client_id_issued_at, 'number')
    assert.equal(typeof json.registration_access_token, 'string')
    assert.equal(json.registration_client_uri, `${server.issuer}/register/${String(json.client_id)}`)
    assert.deepEqual(json.redirect_uris, webAppMetadata.redirect_uris)
    assert.deepEqual(json.grant_types, webAppMetadata.grant_types)
    assert.deepEqual(json.response_types, ['code'])
    assert.equal(json.scope, 'openid profile')
    assert.equal(json.software_id, undefined, 'unknown metadata is ignored, not echoed (RFC 7591 §2)')
    const stored = await server.core.stores.clients.get(String(json.client_id))
    assert.notEqual(stored?.dynamicRegistration, null)
    assert.equal(stored?.secretDigest === json.client_secret, false, 'only a digest is kept')
  })

  test('defaults: a code client with client_secret_basic and every defined scope (RFC 7591 §2)', async () => {
    const reply = await register(server, {
      client_name: 'Minimal',
      redirect_uris: ['https://minimal.example/cb'],
    })
    assert.equal(reply.status, 201)
    assert.deepEqual(reply.json.grant_types, ['authorization_code'])
    assert.equal(reply.json.token_endpoint_auth_method, 'client_secret_basic')
    assert.equal(reply.json.scope, server.core.config.scopes.map((scope) => scope.name).join(' '))
  })

  test('subject_type and id_token_signed_response_alg (OpenID Connect Registration §2), echoed back', async () => {
    const defaults = await register(server, {
      client_name: 'Plain',
      redirect_uris: ['https://plain.example/cb'],
    })
    assert.equal(defaults.json.subject_type, 'public')
    assert.equal(defaults.json.id_token_signed_response_alg, 'RS256')
    const reply = await register(server, {
      client_name: 'Pairwise',
      redirect_uris: ['https://pairwise.example/cb'],
      subject_type: 'pairwise',
      id_token_signed_response_alg: 'EdDSA',
    })
    assert.equal(reply.status, 201, JSON.stringify(reply.json))
    assert.equal(reply.json.subject_type, 'pairwise')
    assert.equal(reply.json.id_token_signed_response_alg, 'EdDSA')
    const stored = await server.core.stores.clients.get(String(reply.json.client_id))
    assert.equal(stored?.subjectType, 'pairwise')
    assert.equal(stored?.idTokenSignedResponseAlg, 'EdDSA')
  })

  test('a public native client gets no secret', async () => {
    const reply = await register(server, {
      client_name: 'CLI tool',
      redirect_uris: ['http://127.0.0.1/callback'],
      token_endpoint_auth_method: 'none',
    })
    assert.equal(reply.status, 201)
    assert.equal(reply.json.client_secret, undefined)
    assert.equal(reply.json.client_secret_expires_at, undefined)
  })

  const refusals: readonly [string, unknown, string][] = [
    [
      'implicit',
      { ...webAppMetadata, grant_types: ['implicit'], response_types: ['token'] },
      'invalid_client_metadata',
    ],
    [
      'a token response type',
      { ...webAppMetadata, response_types: ['code', 'token'] },
      'invalid_client_metadata',
    ],
    ['the password grant', { ...webAppMetadata, grant_types: ['password'] }, 'invalid_client_metadata'],
    [
      'a wildcard redirect',
      { ...webAppMetadata, redirect_uris: ['https://*.dynamic.example/cb'] },
      'invalid_redirect_uri',
    ],
    [
      'plain http off loopback',
      { ...webAppMetadata, redirect_uris: ['http://dynamic.example/cb'] },
      'invalid_redirect_uri',
    ],
    [
      'a fragment',
      { ...webAppMetadata, redirect_uris: ['https://dynamic.example/cb#x'] },
      'invalid_redirect_uri',
    ],
    ['no redirect URI for a code client', { ...webAppMetadata, redirect_uris: [] }, 'invalid_redirect_uri'],
    [
      'redirect_uris not a list',
      { ...webAppMetadata, redirect_uris: 'https://dynamic.example/cb' },
      'invalid_redirect_uri',
    ],
    [
      'an unknown auth method',
      { ...webAppMetadata, token_endpoint_auth_method: 'tls_client_auth' },
      'invalid_client_metadata',
    ],
    [
      'tls_client_auth',
      { ...webAppMetadata, token_endpoint_auth_method: 'tls_client_auth' },
      'invalid_client_metadata',
    ],
    [
      'private_key_jwt without keys',
      { ...webAppMetadata, token_endpoint_auth_method: 'private_key_jwt' },
      'invalid_client_metadata',
    ],
    [
      'jwks_uri',
      {
        ...webAppMetadata,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'https://dynamic.example/jwks',
      },
      'invalid_client_metadata',
    ],
    [
      'a public client with client_credentials',
      { client_name: 'x', grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' },
      'invalid_client_metadata',
    ],
    [
      'an undefined scope',
      { ...webAppMetadata, scope: 'openid admin:everything' },
      'invalid_client_metadata',
    ],
    ['no name', { ...webAppMetadata, client_name: undefined }, 'invalid_client_metadata'],
    ['a name that is not a string', { ...webAppMetadata, client_name: 42 }, 'invalid_client_metadata'],
    [
      'a logo that is not https',
      { ...webAppMetadata, logo_uri: 'javascript:alert(1)' },
      'invalid_client_metadata',
    ],
    [
      'a software statement',
      { ...webAppMetadata, software_statement: 'eyJhbGciOiJub25lIn0.e30.' },
      'unapproved_software_statement',
    ],
    [
      'a software statement that is not a JWT string',
      { ...webAppMetadata, software_statement: {} },
      'invalid_software_statement',
    ],
    ['a body that is not an object', [webAppMetadata], 'invalid_client_metadata'],
    ['an unknown subject_type', { ...webAppMetadata, subject_type: 'private' }, 'invalid_client_metadata'],
    [
      'an ID token algorithm Keyward does not sign with',
      { ...webAppMetadata, id_token_signed_response_alg: 'none' },
      'invalid_client_metadata',
    ],
    [
      'a pairwise client with redirect URIs on two hosts (no sector_identifier_uri)',
      {
        ...webAppMetadata,
        subject_type: 'pairwise',
        redirect_uris: ['https://a.example/cb', 'https://b.example/cb'],
      },
      'invalid_redirect_uri',
    ],
  ]
  for (const [what, metadata, error] of refusals) {
    test(`refuses ${what} with ${error} (RFC 7591 §3.2.2)`, async () => {
      const before = (await server.core.stores.clients.list()).length
      const reply = await register(server, metadata)
      assert.equal(reply.status, 400)
      assert.equal(reply.json.error, error)
      assert.equal(typeof reply.json.error_description, 'string')
      assert.equal((await server.core.stores.clients.list()).length, before, 'nothing was registered')
    })
  }

  test('a body that is not JSON is invalid_request, never a 500', async () => {
    for (const [type, body] of [
      ['application/json', '{"client_name":'],
      ['application/x-www-form-urlencoded', 'client_name=x'],
      ['text/plain', 'hello'],
    ] as const) {
      const response = await fetch(`${server.issuer}/register`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      })
      assert.equal(response.status, 400, type)
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request')
    }
  })
})

describe('RFC 7592 client configuration endpoint', () => {
  test('reads the registration with its registration access token only', async () => {
    const registered = await register(server, webAppMetadata)
    const path = configurationPath(registered)
    const token = String(registered.json.registration_access_token)
    const read = await registrationRequest(server, 'GET', path, { token })
    assert.equal(read.status, 200)
    assert.equal(read.json.client_id, registered.json.client_id)
    assert.equal(read.json.client_secret, undefined, 'the secret was shown once, at registration')
    assert.equal(read.json.registration_client_uri, registered.json.registration_client_uri)
    for (const wrong of [undefined, 'not-the-token']) {
      const refused = await registrationRequest(
        server,
        'GET',
        path,
        wrong === undefined ? {} : { token: wrong },
      )
      assert.equal(refused.status, 401)
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Bearer /)
    }
    const other = await register(server, webAppMetadata)
    const crossed = await registrationRequest(server, 'GET', configurationPath(other), { token })
    assert.equal(crossed.status, 401, "one client's token does not open another's registration")
  })

  test("an operator's client has no configuration endpoint", async () => {
    const { client } = await server.client({})
    const reply = await registrationRequest(server, 'GET', `/register/${client.id}`, { token: 'anything' })
    assert.equal(reply.status, 401)
  })

  test('an update replaces the metadata and is validated like a registration (RFC 7592 §2.2)', async () => {
    const registered = await register(server, webAppMetadata)
    const path = configurationPath(registered)
    const token = String(registered.json.registration_access_token)
    const clientId = String(registered.json.client_id)
    const updated = await registrationRequest(server, 'PUT', path, {
      token,
      body: {
        ...webAppMetadata,
        client_id: clientId,
        client_secret: registered.json.client_secret,
        client_name: 'Renamed',
        redirect_uris: ['https://dynamic.example/other'],
        logo_uri: 'https://dynamic.example/logo.png',
      },
    })
    assert.equal(updated.status, 200)
    assert.equal(updated.json.client_name, 'Renamed')
    assert.deepEqual(updated.json.redirect_uris, ['https://dynamic.example/other'])
    assert.equal(updated.json.logo_uri, 'https://dynamic.example/logo.png')
    assert.equal(updated.json.client_secret, undefined, 'the secret is kept, not rotated')

    for (const [what, body, error] of [
      [
        'a wildcard',
        { ...webAppMetadata, client_id: clientId, redirect_uris: ['https://*.x.example/cb'] },
        'invalid_redirect_uri',
      ],
      [
        'implicit',
        { ...webAppMetadata, client_id: clientId, grant_types: ['implicit'] },
        'invalid_client_metadata',
      ],
      ['another client_id', { ...webAppMetadata, client_id: 'someone-else' }, 'invalid_request'],
      ['no client_id', webAppMetadata, 'invalid_request'],
      [
        'a wrong secret',
        { ...webAppMetadata, client_id: clientId, client_secret: 'guess' },
        'invalid_request',
      ],
    ] as const) {
      const refused = await registrationRequest(server, 'PUT', path, { token, body })
      assert.equal(refused.status, 400, what)
      assert.equal(refused.json.error, error, what)
    }
    const stored = await server.core.stores.clients.get(clientId)
    assert.equal(stored?.name, 'Renamed', 'a refused update changed nothing')
  })

  test('a client that stops using a secret loses it; one that starts gets one, once', async () => {
    const registered = await register(server, webAppMetadata)
    const path = configurationPath(registered)
    const token = String(registered.json.registration_access_token)
    const client_id = String(registered.json.client_id)
    const loopback = ['http://127.0.0.1/callback']
    const toPublic = await registrationRequest(server, 'PUT', path, {
      token,
      body: { ...webAppMetadata, client_id, redirect_uris: loopback, token_endpoint_auth_method: 'none' },
    })
    assert.equal(toPublic.status, 200)
    assert.equal((await server.core.stores.clients.get(client_id))?.secretDigest, null)
    const toConfidential = await registrationRequest(server, 'PUT', path, {
      token,
      body: { ...webAppMetadata, client_id },
    })
    assert.equal(toConfidential.status, 200)
    assert.equal(typeof toConfidential.json.client_secret, 'string')
  })

  test('delete removes the client with its grants and tokens (RFC 7592 §2.3)', async () => {
    const registered = await register(server, {
      client_name: 'Job',
      grant_types: ['client_credentials'],
      scope: 'read',
    })
    assert.equal(registered.status, 201)
    const client = await registeredClient(registered)
    const issued = await clientCredentials(server, client)
    assert.equal(issued.status, 200)
    const path = configurationPath(registered)
    const token = String(registered.json.registration_access_token)
    const deleted = await registrationRequest(server, 'DELETE', path, { token })
    assert.equal(deleted.status, 204)
    assert.equal(await server.core.stores.clients.get(client.client.id), null)
    assert.equal((await clientCredentials(server, client)).status, 401)
    assert.equal((await registrationRequest(server, 'GET', path, { token })).status, 401)
  })

  test('the first token a dynamic client receives is recorded, so that it does not expire', async () => {
    const registered = await register(server, {
      client_name: 'Job',
      grant_types: ['client_credentials'],
      scope: 'read',
    })
    const id = String(registered.json.client_id)
    assert.equal((await server.core.stores.clients.get(id))?.dynamicRegistration?.firstUsedAt, null)
    assert.equal((await clientCredentials(server, await registeredClient(registered))).status, 200)
    assert.deepEqual(
      (await server.core.stores.clients.get(id))?.dynamicRegistration?.firstUsedAt,
      server.clock.now(),
    )
  })
})

describe('registration input of every shape', () => {
  const FIELDS = [
    'client_name',
    'redirect_uris',
    'grant_types',
    'response_types',
    'token_endpoint_auth_method',
    'scope',
    'jwks',
    'client_uri',
    'logo_uri',
    'tos_uri',
    'policy_uri',
    'contacts',
    'software_statement',
    'jwks_uri',
    '__proto__',
    'constructor',
  ]
  const VALUES: readonly unknown[] = [
    null,
    0,
    -1.5,
    true,
    '',
    '\u0000',
    'x'.repeat(5000),
    {},
    { keys: 'no' },
    { keys: [null] },
    [],
    [null],
    [1, 'a'],
    ['https://a.example/cb', 'https://a.example/cb'],
  ]
  const CODES = new Set([
    'invalid_client_metadata',
    'invalid_redirect_uri',
    'invalid_request',
    'unapproved_software_statement',
    'invalid_software_statement',
  ])

  test('every field with every kind of value: 201 or an RFC 7591 error, never a 5xx', async () => {
    for (const field of FIELDS) {
      for (const value of VALUES) {
        const body = `{${JSON.stringify(webAppMetadata).slice(1, -1)},${JSON.stringify(field)}:${JSON.stringify(value)}}`
        const response = await fetch(`${server.issuer}/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        const json = (await response.json()) as Record<string, unknown>
        const what = `${field}=${JSON.stringify(value).slice(0, 40)}`
        if (response.status === 201) continue
        assert.equal(response.status, 400, what)
        assert.ok(CODES.has(String(json.error)), `${what}: ${String(json.error)}`)
      }
    }
  })

  test('the configuration endpoint takes any client id without failing', async () => {
    for (const id of ['%00', '%2F..%2Fregister', 'ünïcode', 'a.b']) {
      const reply = await registrationRequest(server, 'GET', `/register/${id}`, { token: 'whatever' })
      assert.equal(reply.status, 401, id)
      assert.equal(reply.json.error, 'invalid_token', id)
    }
    // Longer than any id Keyward makes, and than the router reads: refused before any lookup.
    const long = await registrationRequest(server, 'GET', `/register/${'x'.repeat(2000)}`, {
      token: 'whatever',
    })
    assert.equal(long.status, 400)
    assert.equal(long.json.error, 'invalid_request')
  })
})

describe('CORS on the registration endpoints', () => {
  test('a browser-based client may register and manage itself from its own origin', async () => {
    const preflight = await fetch(`${server.issuer}/register`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://agent.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
    assert.equal(preflight.status, 204)
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*')
    const registered = await register(server, webAppMetadata)
    assert.equal(registered.headers.get('access-control-allow-origin'), '*')
    const path = configurationPath(registered)
    const managed = await fetch(`${server.issuer}${path}`, {
      method: 'OPTIONS',
      headers: { origin: 'https://agent.example', 'access-control-request-method': 'DELETE' },
    })
    assert.equal(managed.status, 204)
    assert.equal(managed.headers.get('access-control-allow-methods'), 'GET, PUT, DELETE')
    const read = await registrationRequest(server, 'GET', path, {
      token: String(registered.json.registration_access_token),
    })
    assert.equal(read.headers.get('access-control-allow-origin'), '*')
  })
})
