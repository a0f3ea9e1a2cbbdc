import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  authenticateClient,
  type ClientAuthDeps,
  type ClientLookup,
} from '../../src/core/client-auth/authenticate.ts'
import { presentedCredentials } from '../../src/core/client-auth/credentials.ts'
import { InvalidClient, InvalidRequest } from '../../src/core/errors.ts'
import type { Stores } from '../../src/core/ports/stores.ts'
import { digest } from '../../src/core/protocol/digest.ts'
import type { Config } from '../../src/core/config.ts'
import { memoryReplayCache } from '../../src/store/replay/memory-replay.ts'
import { memoryThrottle } from '../../src/store/throttle/memory-throttle.ts'
import { documentsFetch } from '../support/documents.ts'
import { testClock } from '../support/clock.ts'
import { publicClient, webClient } from '../support/fixtures.ts'

// Characters RFC 6749 §2.3.1 makes the client form-urlencode inside Basic credentials, and non-ASCII.
const CONFIDENTIAL_ID = 'my:client%+ü'
const SECRET = 's3c:r%e+t /ü=€'
const PUBLIC_ID = 'native-app'

const POST_ID = 'posting-app'
const clients = [
  webClient({ id: CONFIDENTIAL_ID, secretDigest: digest(SECRET) }),
  webClient({ id: POST_ID, secretDigest: digest(SECRET), tokenEndpointAuthMethod: 'client_secret_post' }),
  publicClient({ id: PUBLIC_ID }),
]
const ADDRESS = '192.0.2.1'
const ISSUER = 'https://keyward.example'
const findClient = async (id: string) => clients.find((candidate) => candidate.id === id) ?? null
// A fresh throttle per call: these tests are about methods, not about counting failures (test/http/throttle/ is).
const depsWith = (lookup: ClientLookup, clock = testClock()): ClientAuthDeps => ({
  stores: { clients: { get: lookup } } as unknown as Stores,
  throttle: memoryThrottle(clock),
  events: { emit() {} },
  config: { issuer: ISSUER } as Config,
  clock,
  replay: memoryReplayCache(clock),
  fetch: documentsFetch(),
})

const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2)
const basic = (id: string, secret: string, encode = formEncode) =>
  `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`

const authenticate = (params: Record<string, string>, authorization?: string) =>
  authenticateClient(
    { params: new Map(Object.entries(params)), authorization, address: ADDRESS },
    depsWith(findClient),
  )

/** Asserts an invalid_client failure and whether it asks for the Basic challenge. */
function invalidClient(usedBasic: boolean) {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidClient)
    assert.equal(error.status, 401)
    assert.equal(error.usedBasic, usedBasic)
    return true
  }
}

describe('client_secret_basic (RFC 6749 §2.3.1)', () => {
  test('id and secret are form-urlencoded before base64: ":", "%", "+", space and non-ASCII survive', async () => {
    const authenticated = await authenticate({}, basic(CONFIDENTIAL_ID, SECRET))
    assert.equal(authenticated.id, CONFIDENTIAL_ID)
    assert.equal(
      (
        await presentedCredentials({
          params: new Map(),
          authorization: basic(CONFIDENTIAL_ID, SECRET),
          address: ADDRESS,
        })
      ).method,
      'client_secret_basic',
    )
  })

  test('"+" in the encoded form means a space, as in any form-urlencoded value', async () => {
    const header = `Basic ${Buffer.from(`${formEncode(CONFIDENTIAL_ID)}:${formEncode(SECRET).replaceAll('%20', '+')}`).toString('base64')}`
    assert.equal((await authenticate({}, header)).id, CONFIDENTIAL_ID)
  })

  test('the scheme name is case-insensitive', async () => {
    const header = basic(CONFIDENTIAL_ID, SECRET).replace('Basic', 'bAsIc')
    assert.equal((await authenticate({}, header)).id, CONFIDENTIAL_ID)
  })

  test('credentials that were not form-urlencoded do not authenticate', async () => {
    await assert.rejects(
      authenticate(
        {},
        basic(CONFIDENTIAL_ID, SECRET, (value) => value),
      ),
      invalidClient(true),
    )
  })

  test('a wrong secret is invalid_client with the Basic challenge', async () => {
    await assert.rejects(authenticate({}, basic(CONFIDENTIAL_ID, `${SECRET}x`)), invalidClient(true))
  })

  test('an unknown client is invalid_client with the Basic challenge', async () => {
    await assert.rejects(authenticate({}, basic('nobody', SECRET)), invalidClient(true))
  })

  test('malformed headers are invalid_client, never an exception of another kind', async () => {
    const encoded = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`
    for (const header of [
      'Basic',
      'Basic ',
      'Basic !!!!',
      'Basic a b',
      encoded('no-colon'),
      encoded(':secret-without-id'),
      encoded('%zz:secret'),
      encoded('id:%E0%A4%A'),
      `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x41]).toString('base64')}`,
    ]) {
      await assert.rejects(authenticate({}, header), invalidClient(true), header)
    }
  })

  test('a client_id in the body must name the same client', async () => {
    assert.equal(
      (await authenticate({ client_id: CONFIDENTIAL_ID }, basic(CONFIDENTIAL_ID, SECRET))).id,
      CONFIDENTIAL_ID,
    )
    await assert.rejects(
      authenticate({ client_id: PUBLIC_ID }, basic(CONFIDENTIAL_ID, SECRET)),
      InvalidRequest,
    )
  })
})

describe('client_secret_post', () => {
  test('the secret in the body authenticates', async () => {
    assert.equal((await authenticate({ client_id: POST_ID, client_secret: SECRET })).id, POST_ID)
  })

  test('a wrong secret is invalid_client without the Basic challenge', async () => {
    await assert.rejects(authenticate({ client_id: POST_ID, client_secret: 'wrong' }), invalidClient(false))
  })

  test('a client_secret without a client_id is invalid_client', async () => {
    await assert.rejects(authenticate({ client_secret: SECRET }), invalidClient(false))
  })
})

describe('none (public clients)', () => {
  test('a public client names itself with client_id alone', async () => {
    const authenticated = await authenticate({ client_id: PUBLIC_ID })
    assert.equal(authenticated.type, 'public')
  })

  test('a public client presenting a secret is refused, in the body or in Basic', async () => {
    await assert.rejects(
      authenticate({ client_id: PUBLIC_ID, client_secret: 'anything' }),
      invalidClient(false),
    )
    await assert.rejects(authenticate({}, basic(PUBLIC_ID, 'anything')), invalidClient(true))
  })

  test('a confidential client cannot authenticate with none (RFC 6749 §3.2.1)', async () => {
    await assert.rejects(authenticate({ client_id: CONFIDENTIAL_ID }), invalidClient(false))
  })

  test('no credentials at all is invalid_client', async () => {
    await assert.rejects(authenticate({}), invalidClient(false))
    await assert.rejects(authenticate({}, 'Bearer some-token'), invalidClient(false))
  })

  test('an over-long client_id is refused without a lookup', async () => {
    let lookups = 0
    const counting = async (id: string) => {
      lookups++
      return findClient(id)
    }
    const params = new Map([['client_id', 'x'.repeat(256)]])
    await assert.rejects(
      authenticateClient({ params, authorization: undefined, address: ADDRESS }, depsWith(counting)),
      InvalidClient,
    )
    assert.equal(lookups, 0)
  })
})

describe('more than one method (RFC 6749 §2.3)', () => {
  test('Basic and client_secret in the body together are invalid_request', async () => {
    await assert.rejects(
      authenticate({ client_id: CONFIDENTIAL_ID, client_secret: SECRET }, basic(CONFIDENTIAL_ID, SECRET)),
      (error) => error instanceof InvalidRequest && error.code === 'invalid_request',
    )
    await assert.rejects(
      authenticate({ client_secret: SECRET }, basic(CONFIDENTIAL_ID, SECRET)),
      InvalidRequest,
    )
  })
})

describe('the registered method and no other (RFC 7591 §2)', () => {
  test('the right secret, sent by the method the client did not register, is invalid_client', async () => {
    await assert.rejects(
      authenticate({ client_id: CONFIDENTIAL_ID, client_secret: SECRET }),
      invalidClient(false),
    )
    await assert.rejects(authenticate({}, basic(POST_ID, SECRET)), invalidClient(true))
  })
})
