import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SignJWT } from 'jose'
import { JWT_BEARER_ASSERTION } from '../../src/core/client-auth/credentials.ts'
import { postToken } from '../support/oauth-client.ts'
import { clientsCreate, jsonOf, runCli, serverAtHome } from '../support/cli.ts'

// keyward clients create --auth-method client_secret_jwt (OpenID Connect Core §9), against a running server.

const { home, server } = await serverAtHome()

/** A client_credentials request authenticated by an HS256 assertion signed with `secret`. */
async function tokenWithAssertion(clientId: string, secret: string) {
  const now = Math.floor(Date.now() / 1000)
  const assertion = await new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(server.issuer)
    .setExpirationTime(now + 60)
    .sign(new TextEncoder().encode(secret))
  return postToken(server, {
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER_ASSERTION,
    client_assertion: assertion,
  })
}

describe('keyward clients: client_secret_jwt', () => {
  const cli = (...argv: string[]) => runCli(argv, home.env)

  test('create gives the secret once; the running server takes assertions it signs; rotation seals the new one', async () => {
    const created = jsonOf<{ client_id: string; client_secret: string; token_endpoint_auth_method: string }>(
      await cli(
        ...clientsCreate('Signed job', {
          'grant-types': 'client_credentials',
          'auth-method': 'client_secret_jwt',
          json: true,
        }),
      ),
    )
    assert.equal(created.token_endpoint_auth_method, 'client_secret_jwt')
    const first = await tokenWithAssertion(created.client_id, created.client_secret)
    assert.equal(first.status, 200, JSON.stringify(first.json))
    // architecture §5: the secret is sealed at rest, never in the clear.
    const row = home.rows('clients').find((client) => client.id === created.client_id)
    assert.ok(typeof row?.encrypted_secret === 'string')
    assert.equal(JSON.stringify(home.rows('clients')).includes(created.client_secret), false)

    const rotated = jsonOf<{ client_secret: string }>(
      await cli('clients', 'rotate-secret', created.client_id, '--json'),
    )
    assert.equal((await tokenWithAssertion(created.client_id, rotated.client_secret)).status, 200)
    const old = await tokenWithAssertion(created.client_id, created.client_secret)
    assert.equal(old.status, 401)
    assert.equal(old.json.error, 'invalid_client')
  })
})
