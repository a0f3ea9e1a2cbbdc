import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose'
import { authenticateClient } from '../../src/core/client-auth/authenticate.ts'
import { JWT_BEARER_ASSERTION } from '../../src/core/client-auth/credentials.ts'
import {
  type ClientRegistration,
  ClientRegistrationError,
  registerClient,
} from '../../src/core/client-registration.ts'
import { parseConfig } from '../../src/core/config.ts'
import { InvalidClient, InvalidRequest } from '../../src/core/errors.ts'
import type { Client } from '../../src/core/model/client.ts'
import type { Stores } from '../../src/core/ports/stores.ts'
import { memoryReplayCache } from '../../src/store/replay/memory-replay.ts'
import { memoryThrottle } from '../../src/store/throttle/memory-throttle.ts'
import { cryptoRandom } from '../../src/system.ts'
import { testClock } from '../support/clock.ts'
import { documentsFetch } from '../support/documents.ts'

// RFC 7523 §2.2 and §3 (OpenID Connect Core §9): clients that prove themselves with a JWT signed by their key.

const ISSUER = 'https://keyward.example'
const config = parseConfig({ issuer: ISSUER, databaseUrl: 'memory:', secret: 'x'.repeat(32) })
const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
const otherKey = (await generateKeyPair('ES256')).privateKey
const publicJwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' }

function register(registration: Partial<ClientRegistration>, clock = testClock()) {
  return registerClient(
    {
      name: 'Key client',
      type: 'confidential',
      grantTypes: ['client_credentials'],
      redirectUris: [],
      scopes: [],
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [publicJwk] },
      ...registration,
    },
    { config, clock, random: cryptoRandom },
  )
}

/** A client store holding one client, and the dependencies client authentication runs with. */
function setUp(client: Client, fetch = documentsFetch()) {
  const clock = testClock(new Date())
  const stores = {
    clients: { get: async (id: string) => (id === client.id ? client : null) },
  } as unknown as Stores
  const deps = {
    stores,
    throttle: memoryThrottle(clock),
    events: { emit() {} },
    config,
    clock,
    replay: memoryReplayCache(clock),
    fetch,
  }
  return { clock, deps }
}

/** The claims of an assertion (RFC 7523 §3) as a client makes them: `claims` may replace the usual ones. */
function claimsOf(client: Client, claims: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000)
  const jti = crypto.randomUUID()
  return { iss: client.id, sub: client.id, aud: `${ISSUER}/token`, iat: now, exp: now + 120, jti, ...claims }
}

/** An assertion signed with `key`; `without` leaves claims out. */
async function assertion(client: Client, claims: JWTPayload = {}, key = privateKey, without: string[] = []) {
  const payload = claimsOf(client, claims)
  for (const name of without) delete payload[name]
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: 'key-1' }).sign(key)
}

const withAssertion = (value: string, extra: Record<string, string> = {}) => ({
  params: new Map(
    Object.entries({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: value, ...extra }),
  ),
  authorization: undefined,
  address: '192.0.2.1',
})

describe('private_key_jwt: registration', () => {
  test('a key client gets no secret, and keeps its public keys', () => {
    const { client, secret } = register({})
    assert.equal(secret, null)
    assert.equal(client.secretDigest, null)
    assert.deepEqual(client.jwks, { keys: [publicJwk] })
  })

  test('a private key, no key at all, or keys for another method are refused', async () => {
    const privateJwk = { ...(await exportJWK(privateKey)), kid: 'secret' }
    const refusals: [Partial<ClientRegistration>, RegExp][] = [
      [{ jwks: { keys: [privateJwk] } }, /Key secret has a private part/],
      [{ jwks: { keys: [] } }, /no registered public key/],
      [{ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, /not an RSA, EC or OKP key/],
      [{ tokenEndpointAuthMethod: 'client_secret_basic' }, /Only a private_key_jwt client registers keys/],
    ]
    for (const [registration, message] of refusals) {
      assert.throws(
        () => register(registration),
        (error: unknown) => error instanceof ClientRegistrationError && message.test(error.message),
        String(message),
      )
    }
  })
})

describe('private_key_jwt: client authentication (RFC 7523 §3)', () => {
  test('a signed assertion authenticates the client; the client_id parameter may name it too', async () => {
    const { client } = register({})
    const { deps } = setUp(client)
    assert.equal((await authenticateClient(withAssertion(await assertion(client)), deps)).id, client.id)
    const named = withAssertion(await assertion(client), { client_id: client.id })
    assert.equal((await authenticateClient(named, deps)).id, client.id)
  })

  test('the issuer is an audience too, as FAPI 2.0 asks', async () => {
    const { client } = register({})
    const { deps } = setUp(client)
    const toIssuer = await assertion(client, { aud: ISSUER })
    assert.equal((await authenticateClient(withAssertion(toIssuer), deps)).id, client.id)
  })

  test('an assertion is used once: its jti is refused the second time, until it expires', async () => {
    const { client } = register({})
    const { deps } = setUp(client)
    const once = await assertion(client)
    await authenticateClient(withAssertion(once), deps)
    await assert.rejects(authenticateClient(withAssertion(once), deps), /its jti was used already/)
  })

  test('what makes an assertion invalid is said, as invalid_client', async () => {
    const { client } = register({})
    const { deps } = setUp(client)
    const cases: [Promise<string>, RegExp][] = [
      [assertion(client, {}, otherKey), /signature does not match a registered key/],
      [assertion(client, { aud: 'https://elsewhere.example/token' }), /aud claim is wrong/],
      [assertion(client, { exp: Math.floor(Date.now() / 1000) - 120 }), /has expired/],
      [assertion(client, { exp: Math.floor(Date.now() / 1000) + 3600 }), /must expire within 600 seconds/],
      [assertion(client, {}, privateKey, ['jti']), /jti claim is missing/],
    ]
    for (const [made, message] of cases) {
      await assert.rejects(
        authenticateClient(withAssertion(await made), deps),
        (error: unknown) => error instanceof InvalidClient && message.test(error.description),
        String(message),
      )
    }
    const hmac = await new SignJWT(claimsOf(client))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a shared secret that is long enough'))
    await assert.rejects(authenticateClient(withAssertion(hmac), deps), InvalidClient)
  })

  test('the registered method is the only one: no secret for a key client, no assertion for a secret client', async () => {
    const { client } = register({})
    const { deps } = setUp(client)
    const withSecret = {
      params: new Map([
        ['client_id', client.id],
        ['client_secret', 'guess'],
      ]),
      authorization: undefined,
      address: '192.0.2.1',
    }
    await assert.rejects(
      authenticateClient(withSecret, deps),
      /authenticates with private_key_jwt, not client_secret_post/,
    )
    const { client: secretClient } = registerClient(
      {
        name: 'Secret client',
        type: 'confidential',
        grantTypes: ['client_credentials'],
        redirectUris: [],
        scopes: [],
      },
      { config, clock: testClock(), random: cryptoRandom },
    )
    const secretDeps = setUp(secretClient).deps
    await assert.rejects(
      authenticateClient(withAssertion(await assertion(secretClient)), secretDeps),
      /authenticates with client_secret_basic, not private_key_jwt/,
    )
  })

  test('malformed assertion requests get the RFC 7521 §4.2 errors', async () => {
    const { client } = register({})
    const { deps } = setUp(client)
    const request = (params: Record<string, string>) => ({
      params: new Map(Object.entries(params)),
      authorization: undefined,
      address: '192.0.2.1',
    })
    await assert.rejects(authenticateClient(request({ client_assertion: 'x' }), deps), InvalidRequest)
    await assert.rejects(
      authenticateClient(request({ client_assertion: 'x', client_assertion_type: 'urn:other' }), deps),
      /client_assertion_type must be/,
    )
    await assert.rejects(authenticateClient(withAssertion('not a jwt'), deps), /not a JWT/)
    const mismatch = withAssertion(await assertion(client), { client_id: 'someone-else' })
    await assert.rejects(authenticateClient(mismatch, deps), InvalidRequest)
    const both = withAssertion(await assertion(client), { client_secret: 's' })
    await assert.rejects(authenticateClient(both, deps), /Use one client authentication method/)
  })
})

describe('private_key_jwt: keys published at a jwks_uri', () => {
  const JWKS_URI = 'https://client.example/jwks.json'

  test('a jwks_uri is registered instead of keys, and must be https', () => {
    const { client } = register({ jwks: { jwksUri: JWKS_URI } })
    assert.deepEqual(client.jwks, { jwksUri: JWKS_URI })
    assert.throws(
      () => register({ jwks: { jwksUri: 'http://client.example/jwks.json' } }),
      /not an https URL/,
    )
  })

  test('the keys are fetched through the outbound fetch, from its cache until a kid is new', async () => {
    const { client } = register({ jwks: { jwksUri: JWKS_URI } })
    const fetch = documentsFetch({ [JWKS_URI]: { keys: [publicJwk] } })
    const { deps } = setUp(client, fetch)
    assert.equal((await authenticateClient(withAssertion(await assertion(client)), deps)).id, client.id)
    assert.deepEqual(fetch.fetched, [JWKS_URI])

    // The client rotates to a new key: the first assertion signed with it makes Keyward look again, once.
    const rotated = await generateKeyPair('ES256', { extractable: true })
    const newJwk = { ...(await exportJWK(rotated.publicKey)), kid: 'key-2', alg: 'ES256' }
    fetch.documents[JWKS_URI] = { keys: [publicJwk, newJwk] }
    const signedWithNew = await new SignJWT(claimsOf(client))
      .setProtectedHeader({ alg: 'ES256', kid: 'key-2' })
      .sign(rotated.privateKey)
    assert.equal((await authenticateClient(withAssertion(signedWithNew), deps)).id, client.id)
    assert.deepEqual(fetch.fetched, [JWKS_URI, JWKS_URI, `${JWKS_URI} (refresh)`])
  })

  test('keys that cannot be fetched, or a document that is no key set, are invalid_client with the reason', async () => {
    const { client } = register({ jwks: { jwksUri: JWKS_URI } })
    const unreachable = setUp(client, documentsFetch()).deps
    await assert.rejects(
      authenticateClient(withAssertion(await assertion(client)), unreachable),
      (error: unknown) => error instanceof InvalidClient && /could not be fetched/.test(error.description),
    )
    const notKeys = setUp(client, documentsFetch({ [JWKS_URI]: { hello: 'world' } })).deps
    await assert.rejects(
      authenticateClient(withAssertion(await assertion(client)), notKeys),
      (error: unknown) => error instanceof InvalidClient && /does not hold a JWK set/.test(error.description),
    )
  })
})
