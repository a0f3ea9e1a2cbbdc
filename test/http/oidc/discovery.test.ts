import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startTestServer, type TestServer } from '../../support/server.ts'

let server: TestServer
before(async () => {
  server = await startTestServer()
})
after(() => server.close())

async function document(path: string): Promise<{ response: Response; body: Record<string, unknown> }> {
  const response = await fetch(`${server.issuer}${path}`, { headers: { origin: 'https://app.example' } })
  assert.equal(response.status, 200)
  return { response, body: (await response.json()) as Record<string, unknown> }
}

describe('OpenID Connect Discovery 1.0', () => {
  test('openid-configuration is the RFC 8414 document, from the one builder', async () => {
    const openid = await document('/.well-known/openid-configuration')
    const oauth = await document('/.well-known/oauth-authorization-server')
    assert.deepEqual(openid.body, oauth.body)
    // Discovery §4.3: the issuer is exactly the one the document was fetched under.
    assert.equal(openid.body.issuer, server.issuer)
  })

  test('both documents can be read from any origin, with a preflight', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const { response } = await document(path)
      assert.equal(response.headers.get('access-control-allow-origin'), '*', path)
      const preflight = await fetch(`${server.issuer}${path}`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
      })
      assert.equal(preflight.status, 204, path)
    }
  })

  test('their errors can be read from any origin too', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const refused = await fetch(`${server.issuer}${path}`, {
        method: 'POST',
        headers: { origin: 'https://app.example' },
      })
      assert.equal(refused.status, 405, path)
      assert.equal(refused.headers.get('access-control-allow-origin'), '*', path)
      assert.equal(((await refused.json()) as { error: string }).error, 'invalid_request', path)
    }
  })

  test('states exactly what is supported (Discovery §3)', async () => {
    const { body } = await document('/.well-known/openid-configuration')
    assert.deepEqual(body.subject_types_supported, ['public', 'pairwise'])
    assert.ok(Array.isArray(body.id_token_signing_alg_values_supported))
    assert.ok(body.id_token_signing_alg_values_supported.includes('RS256'), 'Discovery §3 requires RS256')
    assert.deepEqual(body.response_types_supported, ['code'])
    assert.deepEqual(body.response_modes_supported, ['query', 'form_post'])
    assert.deepEqual(body.prompt_values_supported, ['none', 'login', 'consent', 'select_account'])
    const scopes = body.scopes_supported as string[]
    for (const scope of ['openid', 'profile', 'email', 'address', 'phone']) assert.ok(scopes.includes(scope))
    const claims = body.claims_supported as string[]
    for (const claim of ['sub', 'iss', 'auth_time', 'nonce', 'name', 'email', 'email_verified', 'address']) {
      assert.ok(claims.includes(claim), claim)
    }
    assert.equal(body.request_parameter_supported, true)
    assert.equal(body.request_uri_parameter_supported, false)
    // RP-Initiated Logout 1.0 §2.1, Back-Channel Logout 1.0 §2.1; front-channel logout is not implemented.
    assert.equal(body.end_session_endpoint, `${server.issuer}/logout`)
    assert.equal(body.backchannel_logout_supported, true)
    assert.equal(body.backchannel_logout_session_supported, true)
    assert.equal(body.frontchannel_logout_supported, undefined)
  })
})
