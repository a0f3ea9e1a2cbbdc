import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose'
import {
  type RequestObjectArrival,
  requestObjectParameters,
} from '../../src/core/authorize/request-object.ts'
import { InvalidRequest, InvalidRequestObject } from '../../src/core/errors.ts'
import type { Client } from '../../src/core/model/client.ts'
import { memoryReplayCache } from '../../src/store/replay/memory-replay.ts'
import { testClock } from '../support/clock.ts'
import { documentsFetch } from '../support/documents.ts'
import { testConfig, webClient } from '../support/fixtures.ts'

// RFC 9101: request objects by value, verified with the client's registered keys; each defect has its error.

const config = testConfig()
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
const otherKey = (await generateKeyPair('ES256')).privateKey
const publicJwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' }
const keyClient = webClient({ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [publicJwk] } })

function setUp(client: Client = keyClient) {
  const clock = testClock(new Date())
  const deps = { config, clock, replay: memoryReplayCache(clock), fetch: documentsFetch() }
  const unpack = (params: Record<string, string>, arrival: RequestObjectArrival = 'redirect') =>
    requestObjectParameters(new Map(Object.entries(params)), client, arrival, deps)
  return { clock, unpack }
}

/** The claims a client puts in a request object: `claims` replaces or (undefined) removes the usual ones. */
function claimsOf(claims: Record<string, unknown> = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000)
  const payload: Record<string, unknown> = {
    iss: keyClient.id,
    aud: config.issuer,
    iat: now,
    nbf: now,
    exp: now + 60,
    jti: crypto.randomUUID(),
    client_id: keyClient.id,
    response_type: 'code',
    redirect_uri: keyClient.redirectUris[0],
    scope: 'read',
    state: 'inside',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    ...claims,
  }
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name]
  return payload
}

function requestObject(
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = { alg: 'ES256', kid: 'key-1', typ: 'oauth-authz-req+jwt' },
  key: CryptoKey = privateKey,
) {
  return new SignJWT(claimsOf(claims)).setProtectedHeader({ alg: 'ES256', ...header }).sign(key)
}

describe('request objects by value (RFC 9101 §5, §6)', () => {
  test('the parameters inside are the request; those beside it are not used', async () => {
    const { unpack } = setUp()
    const params = await unpack({
      client_id: keyClient.id,
      request: await requestObject({ max_age: 300, resource: ['https://api.example/a', 'urn:b'] }),
      state: 'outside',
      scope: 'write',
    })
    assert.equal(params.get('state'), 'inside')
    assert.equal(params.get('scope'), 'read')
    assert.equal(params.get('max_age'), '300')
    assert.equal(params.get('resource'), 'https://api.example/a urn:b')
    assert.equal(params.get('client_id'), keyClient.id)
    for (const claim of ['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'request'])
      assert.equal(params.has(claim), false)
  })

  test('typ oauth-authz-req+jwt, the generic JWT, or none is accepted (RFC 9101 §10.8)', async () => {
    const { unpack } = setUp()
    for (const typ of ['oauth-authz-req+jwt', 'JWT', undefined]) {
      const header = { kid: 'key-1', ...(typ === undefined ? {} : { typ }) }
      const params = await unpack({ client_id: keyClient.id, request: await requestObject({}, header) })
      assert.equal(params.get('state'), 'inside', String(typ))
    }
  })

  test('a request without a request object is answered as sent, unless the client must sign', async () => {
    const sent = { client_id: keyClient.id, state: 's' }
    assert.equal((await setUp().unpack(sent)).get('state'), 's')
    const mustSign = setUp({ ...keyClient, requireSignedRequestObject: true })
    await assert.rejects(mustSign.unpack(sent), (error) => {
      assert.ok(error instanceof InvalidRequest)
      assert.match(error.description, /signed request objects/)
      return true
    })
  })

  const defects: [string, () => Promise<Record<string, string>>, RegExp][] = [
    [
      'signed by another key',
      async () => ({ request: await requestObject({}, undefined, otherKey) }),
      /signature/,
    ],
    ['unsigned (alg none)', async () => ({ request: unsigned(claimsOf()) }), /sign it with/],
    ['not a JWT', async () => ({ request: 'not-a-jwt' }), /not a JWT|malformed/],
    ['encrypted', async () => ({ request: 'a.b.c.d.e' }), /encrypted/],
    [
      'typed as another JWT',
      async () => ({ request: await requestObject({}, { kid: 'key-1', typ: 'at+jwt' }) }),
      /typ/,
    ],
    [
      'issued by another client',
      async () => ({ request: await requestObject({ iss: 'someone-else' }) }),
      /iss/,
    ],
    [
      'for another server',
      async () => ({ request: await requestObject({ aud: 'https://other.example' }) }),
      /aud/,
    ],
    ['without exp', async () => ({ request: await requestObject({ exp: undefined }) }), /exp/],
    ['expired', async () => ({ request: await requestObject({ exp: now() - 120 }) }), /expired/],
    ['not yet valid', async () => ({ request: await requestObject({ nbf: now() + 600 }) }), /nbf/],
    [
      'living past 60 minutes',
      async () => ({ request: await requestObject({ exp: now() + 3700 }) }),
      /60 minutes/,
    ],
    [
      'naming another client_id',
      async () => ({ request: await requestObject({ client_id: 'someone-else' }) }),
      /client_id/,
    ],
    [
      'holding a request_uri',
      async () => ({ request: await requestObject({ request_uri: 'https://x.example/r' }) }),
      /request_uri/,
    ],
    [
      'with a claim no parameter takes',
      async () => ({ request: await requestObject({ scope: ['read'] }) }),
      /scope/,
    ],
    [
      'beside another response_type',
      async () => ({ request: await requestObject(), response_type: 'token' }),
      /response_type beside/,
    ],
  ]
  for (const [defect, sent, description] of defects) {
    test(`a request object ${defect}: invalid_request_object`, async () => {
      const { unpack } = setUp()
      await assert.rejects(unpack({ client_id: keyClient.id, ...(await sent()) }), (error) => {
        assert.ok(error instanceof InvalidRequestObject, String(error))
        assert.equal(error.code, 'invalid_request_object')
        assert.match(error.description, description)
        return true
      })
    })
  }

  test('a client without registered keys cannot send one', async () => {
    const { unpack } = setUp(webClient())
    await assert.rejects(
      unpack({ client_id: 'web-app', request: await requestObject() }),
      /no registered keys/,
    )
  })

  test('request and request_uri together: invalid_request', async () => {
    const { unpack } = setUp()
    const both = {
      client_id: keyClient.id,
      request: await requestObject(),
      request_uri: 'https://x.example/r',
    }
    await assert.rejects(unpack(both), InvalidRequest)
  })

  test('its jti is used once as it arrives; the sign-in forms after it read it again', async () => {
    const { unpack } = setUp()
    const sent = { client_id: keyClient.id, request: await requestObject() }
    await unpack(sent)
    await unpack(sent, 'form')
    await assert.rejects(unpack(sent), /jti was used already/)
  })

  test('the forms after its arrival may read it up to 10 minutes past its exp, no longer', async () => {
    const { clock, unpack } = setUp()
    const sent = { client_id: keyClient.id, request: await requestObject() }
    await unpack(sent)
    clock.advance(60 + 500)
    await unpack(sent, 'form')
    await assert.rejects(unpack(sent), /expired/)
    clock.advance(200)
    await assert.rejects(unpack(sent, 'form'), /expired/)
  })
})

const now = () => Math.floor(Date.now() / 1000)

function unsigned(payload: JWTPayload): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none' })}.${part(payload)}.`
}
