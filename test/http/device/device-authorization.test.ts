import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { digest } from '../../../src/core/protocol/digest.ts'
import { USER_CODE_ALPHABET } from '../../../src/core/protocol/user-code.ts'
import { type SqliteFile, sqliteFile } from '../../support/sqlite-file.ts'
import { startTestServer, type TestServer } from '../../support/server.ts'
import { deviceClient, postDeviceAuthorization, startDevice } from '../../support/device-flow.ts'

const USER_CODE = new RegExp(`^[${USER_CODE_ALPHABET}]{4}-[${USER_CODE_ALPHABET}]{4}$`)

describe('RFC 8628 §3.1–§3.2 device authorization endpoint', () => {
  let server: TestServer
  // A file database, read behind the server's back to see what is at rest.
  let database: SqliteFile
  before(async () => {
    database = sqliteFile('keyward-device-')
    server = await startTestServer({ databaseUrl: database.url })
  })
  after(async () => {
    await server.close()
    database.remove()
  })

  test('a public client names itself with client_id and gets every field of §3.2', async () => {
    const registered = await deviceClient(server)
    const reply = await postDeviceAuthorization(server, registered, { scope: 'read' })
    assert.equal(reply.status, 200, JSON.stringify(reply.json))
    assert.equal(reply.headers.get('cache-control'), 'no-store')
    const { json } = reply
    assert.deepEqual(Object.keys(json).sort(), [
      'device_code',
      'expires_in',
      'interval',
      'user_code',
      'verification_uri',
      'verification_uri_complete',
    ])
    assert.match(String(json.device_code), /^[A-Za-z0-9_-]{43}$/, '256 bits, base64url')
    assert.match(String(json.user_code), USER_CODE)
    assert.equal(json.verification_uri, `${server.issuer}/device`)
    assert.equal(json.verification_uri_complete, `${server.issuer}/device?user_code=${json.user_code}`)
    assert.equal(json.expires_in, 600)
    assert.equal(json.interval, 5)
  })

  test('user codes use only the consonants of the alphabet, and differ between requests', async () => {
    const registered = await deviceClient(server)
    const codes = new Set<string>()
    for (let i = 0; i < 20; i++) codes.add((await startDevice(server, registered)).userCode)
    assert.equal(codes.size, 20)
    for (const code of codes) assert.match(code, USER_CODE)
  })

  test('a confidential client must authenticate; a wrong secret gets 401 invalid_client', async () => {
    const registered = await deviceClient(server, { type: 'confidential' })
    assert.ok(registered.secret)
    const ok = await postDeviceAuthorization(server, registered)
    assert.equal(ok.status, 200, JSON.stringify(ok.json))

    const wrong = await postDeviceAuthorization(server, { ...registered, secret: `${registered.secret}x` })
    assert.equal(wrong.status, 401)
    assert.equal(wrong.json.error, 'invalid_client')
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic /)

    // RFC 6749 §3.2.1: naming a confidential client is not authenticating it.
    const named = await postDeviceAuthorization(server, { ...registered, secret: null })
    assert.equal(named.status, 401)
    assert.equal(named.json.error, 'invalid_client')
  })

  test('a client without the device grant gets unauthorized_client', async () => {
    const registered = await server.client({ grantTypes: ['authorization_code'] })
    const reply = await postDeviceAuthorization(server, registered)
    assert.equal(reply.status, 400)
    assert.equal(reply.json.error, 'unauthorized_client')
  })

  test('an unknown client gets invalid_client', async () => {
    const response = await fetch(`${server.issuer}/device_authorization`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: 'no-such-client' }),
    })
    assert.equal(response.status, 401)
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_client')
  })

  test('a scope beyond the client is invalid_scope; none asked gives the default scopes', async () => {
    const registered = await deviceClient(server, { scopes: ['read', 'write'], defaultScopes: ['read'] })
    const wide = await postDeviceAuthorization(server, registered, { scope: 'read profile' })
    assert.equal(wide.status, 400)
    assert.equal(wide.json.error, 'invalid_scope')
    const { deviceCode } = await startDevice(server, registered)
    const stored = await server.core.stores.deviceCodes.getByDeviceCode(digest(deviceCode))
    assert.deepEqual(stored?.scope, ['read'])
  })

  test('device and user codes are stored only as digests', async () => {
    const registered = await deviceClient(server, { type: 'confidential' })
    const codes = await startDevice(server, registered)
    const rows = database.rows('device_codes')
    const row = rows.find((candidate) => candidate.device_code_digest === digest(codes.deviceCode))
    assert.ok(row, 'the row is keyed by the digest of the device code')
    assert.equal(row.user_code_digest, digest(codes.userCode.replace('-', '')))
    const atRest = JSON.stringify(rows)
    for (const secret of [codes.deviceCode, codes.userCode, codes.userCode.replace('-', '')]) {
      assert.equal(atRest.includes(secret), false, `${secret} is not at rest`)
    }
  })
})
