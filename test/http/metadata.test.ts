import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { grantRegistry } from '../../src/core/grants/index.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let server: TestServer
before(async () => {
  server = await startTestServer({
    scopes: [
      { name: 'openid-ish', description: 'Sign you in' },
      { name: 'api:read', description: 'Read the API' },
    ],
  })
})
after(() => server.close())

async function metadata(): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
  return (await response.json()) as Record<string, unknown>
}

describe('RFC 8414 authorization server metadata', () => {
  test('names the issuer and every endpoint under it', async () => {
    const document = await metadata()
    assert.equal(document.issuer, server.issuer)
    assert.equal(document.authorization_endpoint, `${server.issuer}/authorize`)
    assert.equal(document.token_endpoint, `${server.issuer}/token`)
    assert.equal(document.jwks_uri, `${server.issuer}/jwks.json`)
  })

  test('advertises exactly what Keyward enforces', async () => {
    const document = await metadata()
    assert.deepEqual(document.response_types_supported, ['code'])
    assert.deepEqual(document.code_challenge_methods_supported, ['S256'])
    assert.deepEqual(document.token_endpoint_auth_methods_supported, [
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
      'private_key_jwt',
      'none',
    ])
    // RFC 7523: asymmetric assertions for private_key_jwt, HMACs for client_secret_jwt (OIDC Core §9), never none.
    const assertionAlgorithms = ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256', 'HS384', 'HS512']
    assert.deepEqual(document.token_endpoint_auth_signing_alg_values_supported, assertionAlgorithms)
    assert.deepEqual(document.revocation_endpoint_auth_signing_alg_values_supported, assertionAlgorithms)
    assert.deepEqual(document.introspection_endpoint_auth_signing_alg_values_supported, assertionAlgorithms)
    assert.ok((document.revocation_endpoint_auth_methods_supported as string[]).includes('client_secret_jwt'))
    assert.ok(
      (document.introspection_endpoint_auth_methods_supported as string[]).includes('client_secret_jwt'),
    )
    assert.deepEqual(document.scopes_supported, ['openid-ish', 'api:read'])
    // RFC 9207 §3
    assert.equal(document.authorization_response_iss_parameter_supported, true)
  })

  test('grant_types_supported comes from the grant registry, without legacy flows no client uses', async () => {
    const grantTypes = (await metadata()).grant_types_supported
    assert.ok(Array.isArray(grantTypes))
    assert.ok(grantTypes.includes('authorization_code'))
    assert.deepEqual(
      grantTypes,
      [...grantRegistry.keys()].filter((grantType) => grantType !== 'password'),
    )
    assert.ok(!grantTypes.includes('implicit'))
    assert.ok(!grantTypes.includes('password'))
  })

  test('the endpoints it names answer', async () => {
    const document = await metadata()
    const authorize = await fetch(String(document.authorization_endpoint), { redirect: 'manual' })
    assert.equal(authorize.status, 400, 'a request without client_id gets the error page')
    const token = await fetch(String(document.token_endpoint), {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code' }),
    })
    assert.equal(((await token.json()) as { error: string }).error, 'invalid_client')
  })
})

describe('JWKS', () => {
  test('publishes the signing key as a public JWK, with kid, alg and use', async () => {
    const response = await fetch(`${server.issuer}/jwks.json`)
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^application\/jwk-set\+json/)
    assert.match(response.headers.get('cache-control') ?? '', /max-age=\d+/)
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] }
    assert.equal(keys.length, 1)
    const [key] = keys
    assert.equal(key?.kid, server.core.keys.active().kid)
    assert.equal(key?.alg, 'ES256')
    assert.equal(key?.use, 'sig')
    assert.equal(key?.kty, 'EC')
    assert.equal(key?.crv, 'P-256')
    for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
      assert.ok(!(privateMember in (key ?? {})))
  })
})
