import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { type SqliteFile, sqliteFile } from '../../support/sqlite-file.ts'
import { assertOAuthError, clientCredentials, tokensOf } from '../../support/oauth-client.ts'
import { serviceClient } from '../../support/fixtures.ts'

describe('client_credentials (RFC 6749 §4.4)', async () => {
  const server = await startTestServer()
  after(() => server.close())

  test('a public client is refused with unauthorized_client', async () => {
    const registered = await server.client({ type: 'public' })
    assertOAuthError(await clientCredentials(server, registered), 400, 'unauthorized_client')
  })

  test('a public client refused even when its record lists client_credentials (registration forbids it)', async () => {
    const registered = await server.client({ type: 'public' })
    // Written past registerClient, which refuses this combination: the grant must still hold the line.
    await server.core.stores.clients.update({
      ...registered.client,
      grantTypes: [...registered.client.grantTypes, 'client_credentials'],
    })
    const reply = await clientCredentials(server, registered)
    assertOAuthError(reply, 400, 'unauthorized_client')
    assert.match(String(reply.json.error_description), /public/i)
  })

  test('a requested subset of the allowed scopes is granted as asked', async () => {
    const registered = await serviceClient(server, { scopes: ['read', 'write'], defaultScopes: ['read'] })
    assert.equal(tokensOf(await clientCredentials(server, registered, 'write')).scope, 'write')
    assert.equal(tokensOf(await clientCredentials(server, registered, 'read write')).scope, 'read write')
  })

  test('without a scope parameter the client gets its default scopes', async () => {
    const registered = await serviceClient(server, { scopes: ['read', 'write'], defaultScopes: ['read'] })
    assert.equal(tokensOf(await clientCredentials(server, registered)).scope, 'read')
  })

  test('a scope beyond the client, or not defined at all, is invalid_scope', async () => {
    const registered = await serviceClient(server, { scopes: ['read'], defaultScopes: ['read'] })
    assertOAuthError(await clientCredentials(server, registered, 'read write'), 400, 'invalid_scope')
    assertOAuthError(await clientCredentials(server, registered, 'admin'), 400, 'invalid_scope')
  })

  test('the response is a no-store Bearer token and never carries a refresh token (RFC 6749 §4.4.3)', async () => {
    // Even a client that may also refresh gets none here: there is no grant to refresh.
    const registered = await serviceClient(server, { grantTypes: ['client_credentials', 'refresh_token'] })
    const reply = await clientCredentials(server, registered)
    assert.equal(reply.status, 200)
    assert.equal(reply.headers.get('cache-control'), 'no-store')
    assert.equal(reply.json.token_type, 'Bearer')
    assert.equal(reply.json.expires_in, 600)
    assert.equal('refresh_token' in reply.json, false)
  })

  test('the JWT verifies against /jwks.json and names the client as its subject (RFC 9068 §2.2)', async () => {
    const registered = await serviceClient(server, {
      scopes: ['read', 'write'],
      defaultScopes: ['read'],
      lifetimes: { accessToken: 120 },
    })
    const issuedAt = Math.floor(server.clock.now().getTime() / 1000)
    const tokens = tokensOf(await clientCredentials(server, registered, 'read'))
    assert.equal(tokens.expiresIn, 120)

    const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks.json`))
    const { payload, protectedHeader } = await jwtVerify(tokens.accessToken, jwks, {
      issuer: server.issuer,
      audience: server.issuer,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      currentDate: server.clock.now(),
    })
    assert.equal(protectedHeader.typ, 'at+jwt')
    assert.equal(payload.sub, registered.client.id)
    assert.equal(payload.client_id, registered.client.id)
    assert.equal(payload.scope, 'read')
    assert.equal(payload.iat, issuedAt)
    assert.equal(payload.exp, issuedAt + 120)
    assert.equal(typeof payload.jti, 'string')
    const second = tokensOf(await clientCredentials(server, registered, 'read'))
    const claims = await jwtVerify(second.accessToken, jwks, { currentDate: server.clock.now() })
    assert.notEqual(claims.payload.jti, payload.jti, 'every token has its own jti')
  })
})

describe('client_credentials storage', () => {
  let file: SqliteFile
  let server: TestServer
  before(async () => {
    file = sqliteFile()
    server = await startTestServer({ databaseUrl: file.url })
  })
  after(async () => {
    await server.close()
    file.remove()
  })

  function rowCounts(): Record<string, number> {
    const tables = file
      .rows('sqlite_master')
      .filter((row) => row.type === 'table')
      .map((row) => String(row.name))
    return Object.fromEntries(tables.map((table) => [table, file.count(table)]))
  }

  test('issuing JWTs writes nothing to the database', async () => {
    const registered = await serviceClient(server)
    const before = rowCounts()
    assert.ok('access_tokens' in before)
    for (let i = 0; i < 5; i++) tokensOf(await clientCredentials(server, registered))
    assert.deepEqual(rowCounts(), before)
  })

  test('an opaque client gets a kw_at_ token, stored only as its SHA-256 digest', async () => {
    const registered = await serviceClient(server, {
      accessTokenFormat: 'opaque',
      scopes: ['read'],
      defaultScopes: ['read'],
    })
    const before = file.count('access_tokens')
    const tokens = tokensOf(await clientCredentials(server, registered))
    assert.match(tokens.accessToken, /^kw_at_[A-Za-z0-9_-]{43}$/)
    assert.equal(decodeSafely(tokens.accessToken), null, 'an opaque token is not a JWS')
    assert.equal(file.count('access_tokens'), before + 1)

    const stored = file.rows('access_tokens').filter((row) => row.client_id === registered.client.id)
    assert.equal(stored.length, 1)
    const row = stored[0] as Record<string, unknown>
    assert.equal(row.token_key, createHash('sha256').update(tokens.accessToken).digest('base64url'))
    assert.equal(row.format, 'opaque')
    assert.equal(row.subject, registered.client.id)
    assert.equal(row.grant_id, null)
    const everything = JSON.stringify(file.rows('access_tokens'))
    assert.equal(everything.includes(tokens.accessToken.slice('kw_at_'.length)), false)
  })
})

function decodeSafely(token: string): unknown {
  try {
    return decodeProtectedHeader(token)
  } catch {
    return null
  }
}
