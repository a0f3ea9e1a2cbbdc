import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createLocalJWKSet, type JWK, jwtVerify } from 'jose'
import { accessTokenHash } from '../../../src/core/oidc/id-token.ts'
import { openKeyRing, rotateSigningKey } from '../../../src/core/tokens/signing-keys.ts'
import { signJwt } from '../../../src/core/tokens/jwt.ts'
import { createMemoryStores } from '../../../src/store/memory/stores.ts'
import { cryptoRandom } from '../../../src/system.ts'
import { testClock } from '../../support/clock.ts'
import { recordingSink } from '../../support/events.ts'

function setup() {
  const stores = createMemoryStores()
  const events = recordingSink()
  const deps = {
    secret: 'x'.repeat(32),
    clock: testClock(),
    random: cryptoRandom,
    algorithm: 'ES256' as const,
    events,
  }
  return { store: stores.keys, deps, events: events.events }
}

describe('the ID token key (RS256 beside the configured algorithm)', () => {
  test('is made the first time an ID token is signed, once, and published', async () => {
    const { store, deps, events } = setup()
    const ring = await openKeyRing(store, deps)
    assert.equal(ring.jwks().keys.length, 1, 'a server that signs no ID token publishes no RSA key')
    const [first, second] = await Promise.all([ring.idTokenKey('RS256'), ring.idTokenKey('RS256')])
    assert.equal(first.kid, second?.kid, 'two concurrent first ID tokens make one key')
    assert.equal(first.alg, 'RS256')
    assert.equal(ring.active().alg, 'ES256', 'access tokens keep the configured algorithm')
    assert.equal(events.length, 2)
    const token = signJwt({ sub: 'u1' }, first, 'JWT')
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys: ring.jwks().keys as JWK[] }))
    assert.equal(protectedHeader.kid, first.kid)
  })

  test('a rotation retires it with the others; the next ID token gets a new one', async () => {
    const { store, deps } = setup()
    const ring = await openKeyRing(store, deps)
    const before = await ring.idTokenKey('RS256')
    await rotateSigningKey(store, { ...deps, publishFor: 600 })
    await ring.reload()
    const after = await ring.idTokenKey('RS256')
    assert.notEqual(after.kid, before.kid)
    const published = ring.jwks().keys.map((key) => key.kid)
    assert.ok(published.includes(before.kid), 'the retired key stays published while its tokens live')
    assert.ok(published.includes(after.kid))
  })
})

describe('at_hash (Core §3.1.3.6)', () => {
  test('is the left half of the SHA-256 of the token, base64url-encoded', () => {
    // SHA-256("abc") begins ba7816bf8f01cfea414140de5dae2223 (FIPS 180-2 appendix B.1).
    assert.equal(
      accessTokenHash('abc'),
      Buffer.from('ba7816bf8f01cfea414140de5dae2223', 'hex').toString('base64url'),
    )
  })
})

describe('ID tokens signed with the client’s algorithm', () => {
  test('ES256 (the configured algorithm) signs with the access tokens’ key; EdDSA gets a key of its own', async () => {
    const { store, deps } = setup()
    const ring = await openKeyRing(store, deps)
    assert.equal((await ring.idTokenKey('ES256')).kid, ring.active().kid)
    assert.equal(ring.jwks().keys.length, 1)
    const eddsa = await ring.idTokenKey('EdDSA')
    assert.equal(eddsa.alg, 'EdDSA')
    assert.equal(ring.active().alg, 'ES256', 'a newer key of another algorithm never signs access tokens')
    assert.equal(ring.jwks().keys.length, 2)
    const reopened = await openKeyRing(store, deps)
    assert.equal(reopened.active().alg, 'ES256')
    assert.equal((await reopened.idTokenKey('EdDSA')).kid, eddsa.kid, 'found again, not made twice')
  })
})

describe('at_hash of EdDSA ID tokens', () => {
  test('is the left half of the SHA-512 of the token', () => {
    // SHA-512("abc") begins ddaf35a193617abacc417349ae204131 12e6fa4e89a97ea20a9eeee64b55d39a (FIPS 180-2 C.1).
    assert.equal(
      accessTokenHash('abc', 'EdDSA'),
      Buffer.from('ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a', 'hex').toString(
        'base64url',
      ),
    )
  })
})
