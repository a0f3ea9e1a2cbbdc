import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, type JWK, jwtVerify } from 'jose'
import type { SigningKey } from '../../src/core/model/signing-key.ts'
import type { KeyStore } from '../../src/core/ports/stores.ts'
import { signJwt } from '../../src/core/tokens/jwt.ts'
import {
  type JsonWebKeySet,
  openKeyRing,
  rotateSigningKey,
  type SigningAlgorithm,
} from '../../src/core/tokens/signing-keys.ts'
import { cryptoRandom } from '../../src/system.ts'
import { testClock } from '../support/clock.ts'
import { recordingSink } from '../support/events.ts'

const SECRET = 'the-configured-secret-of-32-chars-or-more'

/** An in-memory KeyStore with the port's semantics; `records` is what would be at rest. */
function fakeKeyStore() {
  const records: SigningKey[] = []
  const store: KeyStore = {
    async create(key) {
      records.push(key)
    },
    async listPublished(at) {
      return records.filter((key) => key.publishUntil === null || key.publishUntil > at).reverse()
    },
    async retireAllExcept(kid, at, publishUntil) {
      for (const [i, key] of records.entries()) {
        if (key.kid !== kid && key.retiredAt === null) records[i] = { ...key, retiredAt: at, publishUntil }
      }
    },
  }
  return { store, records }
}

function setup(algorithm: SigningAlgorithm = 'ES256') {
  const clock = testClock()
  const { store, records } = fakeKeyStore()
  const events = recordingSink()
  const deps = { secret: SECRET, clock, random: cryptoRandom, algorithm, events }
  return { clock, store, records, deps, events: events.events }
}

const kids = (jwks: JsonWebKeySet) => jwks.keys.map((key) => key.kid)

async function verifyWith(jwks: JsonWebKeySet, token: string) {
  return jwtVerify(token, createLocalJWKSet({ keys: jwks.keys as JWK[] }), { typ: 'at+jwt' })
}

describe('signing keys', () => {
  for (const algorithm of ['ES256', 'EdDSA'] as const) {
    test(`${algorithm}: the first start makes a key; its JWKS entry verifies what it signs`, async () => {
      const { store, records, deps, events } = setup(algorithm)
      const ring = await openKeyRing(store, deps)
      assert.equal(records.length, 1)
      assert.deepEqual(events, [
        { event: 'signing_key_rotated', keyId: ring.active().kid, reason: 'no_signing_key' },
      ])
      const [published] = ring.jwks().keys
      assert.ok(published)
      assert.equal(published.alg, algorithm)
      assert.equal(published.use, 'sig')
      assert.equal(published.kid, ring.active().kid)
      // RFC 7638: the kid is the key's thumbprint.
      assert.equal(published.kid, await calculateJwkThumbprint(published as JWK))
      for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
        assert.ok(!(privateMember in published))

      const token = signJwt({ sub: 'u1', iss: 'https://auth.example' }, ring.active(), 'at+jwt')
      assert.deepEqual(decodeProtectedHeader(token), { alg: algorithm, typ: 'at+jwt', kid: published.kid })
      const { payload } = await verifyWith(ring.jwks(), token)
      assert.equal(payload.sub, 'u1')
    })
  }

  test('architecture §5: the record at rest does not contain the private key', async () => {
    const { store, records, deps } = setup()
    const ring = await openKeyRing(store, deps)
    const privateJwk = ring.active().privateKey.export({ format: 'jwk' })
    assert.ok(typeof privateJwk.d === 'string' && privateJwk.d.length > 20)
    const atRest = JSON.stringify(records)
    assert.ok(!atRest.includes(privateJwk.d), 'the private scalar d is not stored in clear')
    assert.ok(!atRest.includes('"d"'))
    assert.ok(!(records[0]?.encryptedPrivateJwk ?? '').includes(privateJwk.d))
  })

  test('a reopened ring with the same secret signs with the same key', async () => {
    const { store, records, deps, events } = setup()
    const first = await openKeyRing(store, deps)
    const second = await openKeyRing(store, deps)
    assert.equal(records.length, 1)
    assert.equal(events.length, 1, 'only the key made is reported')
    assert.equal(second.active().kid, first.active().kid)
    const token = signJwt({ sub: 'u1' }, second.active(), 'at+jwt')
    await verifyWith(first.jwks(), token)
  })

  test('a wrong secret is a clear error naming the key, not a crypto stack trace', async () => {
    const { store, deps } = setup()
    const ring = await openKeyRing(store, deps)
    await assert.rejects(
      openKeyRing(store, { ...deps, secret: 'another-secret-of-32-characters-long' }),
      (error) => {
        assert.ok(error instanceof Error)
        assert.equal(
          error.message,
          `Cannot decrypt signing key ${ring.active().kid}: the configured secret is not the one it was encrypted with.`,
        )
        return true
      },
    )
  })

  test('a tampered record is refused too (AES-GCM authenticates the ciphertext)', async () => {
    const { store, records, deps } = setup()
    await openKeyRing(store, deps)
    const [record] = records
    assert.ok(record)
    const raw = Buffer.from(record.encryptedPrivateJwk, 'base64url')
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1
    records[0] = { ...record, encryptedPrivateJwk: raw.toString('base64url') }
    await assert.rejects(openKeyRing(store, deps), /Cannot decrypt signing key/)
  })

  test('rotation: the new key signs; the old one stays published until publishUntil, then drops out', async () => {
    const { clock, store, deps, events } = setup()
    const ring = await openKeyRing(store, deps)
    const oldKid = ring.active().kid
    const oldToken = signJwt({ sub: 'u1' }, ring.active(), 'at+jwt')

    clock.advance(3600)
    const rotated = await rotateSigningKey(store, { ...deps, publishFor: 600 })
    assert.deepEqual(events.at(-1), { event: 'signing_key_rotated', keyId: rotated.kid, reason: 'operator' })
    await ring.reload()
    assert.equal(ring.active().kid, rotated.kid)
    assert.notEqual(rotated.kid, oldKid)
    assert.deepEqual(kids(ring.jwks()), [rotated.kid, oldKid])
    await verifyWith(ring.jwks(), oldToken)
    await verifyWith(ring.jwks(), signJwt({ sub: 'u1' }, ring.active(), 'at+jwt'))

    clock.advance(599)
    await ring.reload()
    assert.deepEqual(
      kids(ring.jwks()),
      [rotated.kid, oldKid],
      'still published one second before publishUntil',
    )

    clock.advance(1)
    await ring.reload()
    assert.deepEqual(kids(ring.jwks()), [rotated.kid])
    await assert.rejects(verifyWith(ring.jwks(), oldToken))
  })

  test('a ring in another process picks up a rotation on reload', async () => {
    const { clock, store, deps } = setup()
    const nodeA = await openKeyRing(store, deps)
    const nodeB = await openKeyRing(store, deps)
    clock.advance(60)
    const rotated = await rotateSigningKey(store, { ...deps, publishFor: 600 })
    assert.notEqual(nodeB.active().kid, rotated.kid)
    await nodeB.reload()
    assert.equal(nodeB.active().kid, rotated.kid)
    assert.equal(nodeA.active().kid, nodeB.jwks().keys[1]?.kid)
  })

  test('reloads run one at a time: a slow read of the keys before a rotation never undoes a later one', async () => {
    const { clock, store, deps } = setup()
    const ring = await openKeyRing(store, deps)
    // The next read of the store answers late, with what it read before the rotation below.
    let answer = () => {}
    const list = store.listPublished
    store.listPublished = async (at) => {
      store.listPublished = list
      const before = await list(at)
      await new Promise<void>((resolve) => {
        answer = resolve
      })
      return before
    }
    const slow = ring.reload()
    clock.advance(60)
    const rotated = await rotateSigningKey(store, { ...deps, publishFor: 600 })
    const later = ring.reload()
    answer()
    await Promise.all([slow, later])
    assert.equal(ring.active().kid, rotated.kid)
  })
})
