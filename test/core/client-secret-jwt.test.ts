import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type JWTPayload, SignJWT } from 'jose'
import { rotateClientSecret } from '../../src/core/admin/clients.ts'
import { authenticateClient } from '../../src/core/client-auth/authenticate.ts'
import { JWT_BEARER_ASSERTION } from '../../src/core/client-auth/credentials.ts'
import {
  type ClientRegistration,
  registerClient,
  reregisterClient,
} from '../../src/core/client-registration.ts'
import { parseConfig } from '../../src/core/config.ts'
import { InvalidClient } from '../../src/core/errors.ts'
import type { Client } from '../../src/core/model/client.ts'
import type { Stores } from '../../src/core/ports/stores.ts'
import { memoryReplayCache } from '../../src/store/replay/memory-replay.ts'
import { memoryThrottle } from '../../src/store/throttle/memory-throttle.ts'
import { cryptoRandom } from '../../src/system.ts'
import { testClock } from '../support/clock.ts'
import { documentsFetch } from '../support/documents.ts'

// OpenID Connect Core §9 client_secret_jwt (RFC 7523 §2.2): an assertion HMAC-signed with the client's secret.

const ISSUER = 'https://keyward.example'
const config = parseConfig({ issuer: ISSUER, databaseUrl: 'memory:', secret: 'x'.repeat(32) })
const secretClient: ClientRegistration = {
  name: 'Secret JWT client',
  type: 'confidential',
  grantTypes: ['client_credentials'],
  redirectUris: [],
  scopes: [],
  tokenEndpointAuthMethod: 'client_secret_jwt',
}

function register(registration: Partial<ClientRegistration> = {}) {
  const made = registerClient(
    { ...secretClient, ...registration },
    { config, clock: testClock(), random: cryptoRandom },
  )
  assert.ok(made.secret !== null)
  return { client: made.client, secret: made.secret }
}

/** A store holding `clients` by id, and the dependencies client authentication runs with. */
function setUp(...clients: Client[]) {
  const clock = testClock(new Date())
  const held = new Map(clients.map((client) => [client.id, client]))
  const stores = {
    clients: {
      get: async (id: string) => held.get(id) ?? null,
      update: async (client: Client) => void held.set(client.id, client),
    },
  } as unknown as Stores
  return {
    held,
    deps: {
      stores,
      throttle: memoryThrottle(clock),
      events: { emit() {} },
      config,
      clock,
      random: cryptoRandom,
      replay: memoryReplayCache(clock),
      fetch: documentsFetch(),
    },
  }
}

/** An assertion as a client_secret_jwt library makes it; `claims` replace the usual ones, `without` drops some. */
async function assertion(
  client: Client,
  secret: string,
  {
    claims = {},
    alg = 'HS256',
    without = [],
  }: { claims?: JWTPayload; alg?: string; without?: string[] } = {},
) {
  const now = Math.floor(Date.now() / 1000)
  const payload: JWTPayload = {
    iss: client.id,
    sub: client.id,
    aud: `${ISSUER}/token`,
    iat: now,
    exp: now + 60,
    jti: crypto.randomUUID(),
    ...claims,
  }
  for (const name of without) delete payload[name]
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret))
}

const withAssertion = (value: string, extra: Record<string, string> = {}) => ({
  params: new Map(
    Object.entries({ client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: value, ...extra }),
  ),
  authorization: undefined,
  address: '192.0.2.1',
})

describe('client_secret_jwt: the secret at rest', () => {
  test('the secret is kept as its digest and sealed, never in the clear', () => {
    const { client, secret } = register()
    assert.ok(client.secretDigest !== null)
    assert.ok(client.encryptedSecret !== null)
    assert.ok(!client.encryptedSecret.includes(secret))
    // Other methods keep the digest only.
    const basic = register({ tokenEndpointAuthMethod: 'client_secret_basic' })
    assert.equal(basic.client.encryptedSecret, null)
  })

  test('rotating the secret seals the new one: the old stops working at once', async () => {
    const { client, secret } = register()
    const { deps, held } = setUp(client)
    const rotated = await rotateClientSecret(client, deps)
    const stored = held.get(client.id)
    assert.ok(stored?.encryptedSecret && stored.encryptedSecret !== client.encryptedSecret)
    assert.equal(
      (await authenticateClient(withAssertion(await assertion(client, rotated)), deps)).id,
      client.id,
    )
    await assert.rejects(
      authenticateClient(withAssertion(await assertion(client, secret)), deps),
      InvalidClient,
    )
  })

  test('a client changed to client_secret_jwt gets a new, sealed secret; changed away, the sealed one goes', () => {
    const basic = register({ tokenEndpointAuthMethod: 'client_secret_basic' }).client
    const deps = { config, clock: testClock(), random: cryptoRandom }
    const toJwt = reregisterClient(basic, secretClient, deps)
    assert.ok(toJwt.secret !== null && toJwt.client.encryptedSecret !== null)
    const back = reregisterClient(
      toJwt.client,
      { ...secretClient, tokenEndpointAuthMethod: 'client_secret_post' },
      deps,
    )
    assert.equal(back.secret, null)
    assert.equal(back.client.encryptedSecret, null)
    assert.equal(back.client.secretDigest, toJwt.client.secretDigest)
  })
})

describe('client_secret_jwt: client authentication (RFC 7523 §3, OpenID Connect Core §9)', () => {
  test('an assertion HMAC-signed with the secret authenticates the client, with HS256, HS384 or HS512', async () => {
    const { client, secret } = register()
    const { deps } = setUp(client)
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const made = await assertion(client, secret, { alg })
      assert.equal((await authenticateClient(withAssertion(made), deps)).id, client.id, alg)
    }
    const toIssuer = await assertion(client, secret, { claims: { aud: ISSUER } })
    assert.equal(
      (await authenticateClient(withAssertion(toIssuer, { client_id: client.id }), deps)).id,
      client.id,
    )
  })

  test('every defect of the assertion is invalid_client, with the reason', async () => {
    const { client, secret } = register()
    const { deps } = setUp(client)
    const now = Math.floor(Date.now() / 1000)
    const cases: [Promise<string>, RegExp][] = [
      [assertion(client, 'not the secret'), /signature does not match/],
      [assertion(client, secret, { claims: { iss: 'someone-else' } }), /iss claim is wrong/],
      [
        assertion(client, secret, { claims: { aud: 'https://elsewhere.example/token' } }),
        /aud claim is wrong/,
      ],
      [assertion(client, secret, { claims: { exp: now - 120 } }), /has expired/],
      [assertion(client, secret, { claims: { exp: now + 3600 } }), /must expire within 600 seconds/],
      [assertion(client, secret, { without: ['jti'] }), /jti claim is missing/],
      [assertion(client, secret, { without: ['exp'] }), /exp claim is missing/],
    ]
    for (const [made, message] of cases) {
      await assert.rejects(
        authenticateClient(withAssertion(await made), deps),
        (error: unknown) => error instanceof InvalidClient && message.test(error.description),
        String(message),
      )
    }
  })

  test('an assertion is used once: its jti is refused the second time', async () => {
    const { client, secret } = register()
    const { deps } = setUp(client)
    const once = await assertion(client, secret)
    await authenticateClient(withAssertion(once), deps)
    await assert.rejects(
      authenticateClient(withAssertion(once), deps),
      (error: unknown) =>
        error instanceof InvalidClient && /its jti was used already/.test(error.description),
    )
  })

  test('the registered method is the only one (RFC 7591 §2)', async () => {
    const { client, secret } = register()
    const basic = register({ tokenEndpointAuthMethod: 'client_secret_basic' })
    const { deps } = setUp(client, basic.client)
    // The secret itself, sent in the body, is not a client_secret_jwt client's method.
    const posted = {
      params: new Map([
        ['client_id', client.id],
        ['client_secret', secret],
      ]),
      authorization: undefined,
      address: '192.0.2.1',
    }
    await assert.rejects(
      authenticateClient(posted, deps),
      /authenticates with client_secret_jwt, not client_secret_post/,
    )
    // A Basic client's secret signs no assertion Keyward takes: it has no sealed secret, and another method.
    await assert.rejects(
      authenticateClient(withAssertion(await assertion(basic.client, basic.secret)), deps),
      /authenticates with client_secret_basic, not client_secret_jwt/,
    )
  })
})
