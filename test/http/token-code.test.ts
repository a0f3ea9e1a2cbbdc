import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, test } from 'node:test'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import type { Client } from '../../src/core/model/client.ts'
import { digest } from '../../src/core/protocol/digest.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { redeemCode, type TokenReply } from '../support/oauth-client.ts'
import { type Browser, newBrowser, newPkce, issueCode } from '../support/flow.ts'

let directory: string
let databaseFile: string
let server: TestServer
let user: Awaited<ReturnType<TestServer['user']>>
let web: { client: Client; secret: string | null }
let other: { client: Client; secret: string | null }
let noRefresh: { client: Client; secret: string | null }
const browsers = new Map<string, Browser>()

before(async () => {
  directory = await mkdtemp(join(tmpdir(), 'keyward-token-code-'))
  databaseFile = join(directory, 'keyward.db')
  server = await startTestServer({ databaseUrl: `sqlite:${databaseFile}` })
  user = await server.user()
  web = await server.client({ name: 'Web' })
  other = await server.client({ name: 'Other' })
  noRefresh = await server.client({ name: 'No refresh', grantTypes: ['authorization_code'] })
})
after(async () => {
  await server.close()
  await rm(directory, { recursive: true, force: true })
})

/** A fresh code for `registered` with its verifier (consent is approved once per client, then remembered). */
async function codeFor(registered: { client: Client }, scope = 'profile read') {
  const browser = browsers.get(registered.client.id) ?? newBrowser(server.issuer)
  browsers.set(registered.client.id, browser)
  return issueCode(server, { client: registered.client, user, scope, browser })
}

function assertInvalidGrant(reply: TokenReply, description: RegExp): void {
  assert.equal(reply.status, 400, JSON.stringify(reply.json))
  assert.equal(reply.json.error, 'invalid_grant')
  assert.match(String(reply.json.error_description), description)
  assert.equal(reply.headers.get('cache-control'), 'no-store')
}

/** Every value stored in every table of the database file, as one string. */
function everythingAtRest(): string {
  const database = new DatabaseSync(databaseFile, { readOnly: true })
  try {
    const tables = database.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
    return tables
      .map((table) => JSON.stringify(database.prepare(`SELECT * FROM "${String(table.name)}"`).all()))
      .join('\n')
  } finally {
    database.close()
  }
}

describe('authorization_code: success', () => {
  let reply: TokenReply
  let code: string
  before(async () => {
    const issued = await codeFor(web)
    code = issued.code
    reply = await redeemCode(server, { ...web, ...issued })
  })

  test('RFC 6749 §5.1: Bearer, expires_in, scope, and no caching', () => {
    assert.equal(reply.status, 200, JSON.stringify(reply.json))
    assert.equal(reply.json.token_type, 'Bearer')
    assert.equal(reply.json.expires_in, 600)
    assert.equal(reply.json.scope, 'profile read')
    assert.equal(reply.headers.get('cache-control'), 'no-store')
    assert.equal(reply.headers.get('pragma'), 'no-cache')
    assert.match(reply.headers.get('content-type') ?? '', /^application\/json/)
  })

  test('RFC 9068: the access token is a JWT with typ at+jwt that verifies against /jwks.json', async () => {
    const token = String(reply.json.access_token)
    const header = decodeProtectedHeader(token)
    assert.equal(header.typ, 'at+jwt')
    assert.equal(header.alg, 'ES256')
    const jwks = createRemoteJWKSet(new URL(`${server.issuer}/jwks.json`))
    const { payload } = await jwtVerify(token, jwks, {
      issuer: server.issuer,
      audience: server.issuer,
      typ: 'at+jwt',
      currentDate: server.clock.now(),
    })
    assert.equal(payload.sub, user.id)
    assert.equal(payload.client_id, web.client.id)
    assert.equal(payload.scope, 'profile read')
    assert.equal(typeof payload.jti, 'string')
    assert.equal(payload.iat, Math.floor(server.clock.now().getTime() / 1000))
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 600)
    assert.deepEqual(Object.keys(payload).sort(), [
      'aud',
      'client_id',
      'exp',
      'iat',
      'iss',
      'jti',
      'scope',
      'sub',
    ])
  })

  test('a refresh token for a client allowed refresh_token, stored only as its digest', async () => {
    const refreshToken = String(reply.json.refresh_token)
    assert.match(refreshToken, /^kw_rt_[A-Za-z0-9_-]{43}$/)
    const record = await server.core.stores.tokens.getRefreshToken(digest(refreshToken))
    assert.equal(record?.clientId, web.client.id)
    assert.equal(record?.userId, user.id)
    assert.deepEqual(record?.scope, ['profile', 'read'])
  })

  test('architecture §5: no refresh token, access token, code or client secret appears anywhere at rest', () => {
    const atRest = everythingAtRest()
    assert.ok(atRest.includes(digest(String(reply.json.refresh_token))), 'the scan sees the stored digests')
    for (const [name, secret] of [
      ['refresh token', String(reply.json.refresh_token)],
      ['refresh token body', String(reply.json.refresh_token).slice('kw_rt_'.length)],
      ['access token', String(reply.json.access_token)],
      ['code', code],
      ['client secret', web.secret ?? ''],
    ] as const) {
      assert.ok(!atRest.includes(secret), `${name} is not stored`)
    }
  })

  test('no refresh token for a client without the refresh_token grant', async () => {
    const plain = await redeemCode(server, { ...noRefresh, ...(await codeFor(noRefresh)) })
    assert.equal(plain.status, 200)
    assert.equal('refresh_token' in plain.json, false)
  })
})

describe('authorization_code: failures', () => {
  test('a wrong verifier is invalid_grant', async () => {
    const issued = await codeFor(web)
    assertInvalidGrant(
      await redeemCode(server, { ...web, ...issued, verifier: newPkce().verifier }),
      /code_verifier/,
    )
  })

  test('a missing verifier is invalid_request: Keyward requires PKCE of every client', async () => {
    const issued = await codeFor(web)
    const reply = await redeemCode(server, { ...web, ...issued, verifier: '' })
    assert.equal(reply.status, 400)
    assert.equal(reply.json.error, 'invalid_request')
    assert.match(String(reply.json.error_description), /code_verifier/)
  })

  test('a redirect_uri other than the one of the request is invalid_grant', async () => {
    const issued = await codeFor(web)
    const reply = await redeemCode(server, {
      ...web,
      ...issued,
      redirectUri: 'https://client.example/callback/',
    })
    assertInvalidGrant(reply, /redirect_uri/)
  })

  test('a code issued to another client is invalid_grant', async () => {
    const issued = await codeFor(web)
    assertInvalidGrant(await redeemCode(server, { ...other, ...issued }), /another client/)
  })

  test('an unknown code is invalid_grant', async () => {
    assertInvalidGrant(
      await redeemCode(server, { ...web, code: 'x'.repeat(43), verifier: newPkce().verifier }),
      /invalid/,
    )
  })

  test('a second use is invalid_grant and revokes every token the first use issued (RFC 6749 §4.1.2)', async () => {
    const issued = await codeFor(web)
    const first = await redeemCode(server, { ...web, ...issued })
    assert.equal(first.status, 200)
    const [, body = ''] = String(first.json.access_token).split('.')
    const { jti } = JSON.parse(Buffer.from(body, 'base64url').toString()) as { jti: string }
    const refreshDigest = digest(String(first.json.refresh_token))
    const stores = server.core.stores
    assert.equal((await stores.tokens.getAccessToken(jti))?.revokedAt, null)
    assert.equal((await stores.tokens.getRefreshToken(refreshDigest))?.revokedAt, null)

    assertInvalidGrant(await redeemCode(server, { ...web, ...issued }), /already used/)

    const accessRecord = await stores.tokens.getAccessToken(jti)
    assert.ok(accessRecord?.revokedAt instanceof Date, 'the access token record is revoked')
    assert.ok(
      (await stores.tokens.getRefreshToken(refreshDigest))?.revokedAt instanceof Date,
      'the refresh token is revoked',
    )
    const grant = await stores.grants.get(accessRecord.grantId ?? '')
    assert.equal(grant?.revokedReason, 'code_reuse')
  })

  test('the code expires after 60 seconds', async () => {
    const issued = await codeFor(web)
    server.clock.advance(61)
    assertInvalidGrant(await redeemCode(server, { ...web, ...issued }), /expired/)
  })
})
