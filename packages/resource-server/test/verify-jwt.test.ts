import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { generateKeyPair, SignJWT } from 'jose'
import {
  createVerifier,
  InsufficientScopeError,
  InvalidTokenError,
  IssuerError,
  type VerifierOptions,
  verifyAccessToken,
} from '../src/index.ts'
import { testClock } from '../../../test/support/clock.ts'
import * as fake from './fake-issuer.ts'

describe('verifyAccessToken with JWT access tokens (RFC 9068)', () => {
  let as: fake.FakeIssuer
  let key: fake.TestKey
  const clock = testClock(new Date('2030-01-01T00:00:00Z'))
  const claims = () => fake.accessTokenClaims(as.issuer, clock.now())
  const verifier = (options: Partial<VerifierOptions> = {}) =>
    createVerifier({ issuer: as.issuer, audience: fake.AUDIENCE, clock, ...options })
  const rejects = (promise: Promise<unknown>, description: RegExp) =>
    assert.rejects(promise, (error: unknown) => {
      assert.ok(error instanceof InvalidTokenError, `expected InvalidTokenError, got ${String(error)}`)
      assert.equal(error.code, 'invalid_token')
      assert.equal(error.status, 401)
      assert.match(error.description, description)
      return true
    })

  before(async () => {
    as = await fake.startIssuer()
    key = await fake.createKey('k1')
    as.publish([key])
  })
  after(() => as.close())

  test('a valid token yields a plain readonly result, discovering the JWKS from metadata once', async () => {
    const v = verifier()
    const tokenClaims = claims()
    const result = await verifyAccessToken(await fake.sign(key, tokenClaims), v, ['orders:read'])
    assert.deepEqual(result, {
      subject: 'user-1',
      clientId: 'client-1',
      scopes: ['orders:read', 'profile'],
      audience: [fake.AUDIENCE],
      expiresAt: new Date((tokenClaims.exp as number) * 1000),
      claims: tokenClaims,
    })
    assert.ok(Object.isFrozen(result) && Object.isFrozen(result.scopes))
    const metadataHits = as.hits.metadata
    await verifyAccessToken(await fake.sign(key, claims()), v)
    assert.equal(as.hits.metadata, metadataHits, 'metadata is discovered once per verifier')
  })

  test('typ must be at+jwt (RFC 9068 §4); the media-type form is accepted', async () => {
    const v = verifier()
    await rejects(verifyAccessToken(await fake.sign(key, claims(), { typ: 'JWT' }), v), /typ must be at\+jwt/)
    await rejects(
      verifyAccessToken(await fake.sign(key, claims(), { typ: undefined }), v),
      /typ must be at\+jwt/,
    )
    const result = await verifyAccessToken(await fake.sign(key, claims(), { typ: 'application/AT+JWT' }), v)
    assert.equal(result.subject, 'user-1')
  })

  test('iss must equal the configured issuer', async () => {
    await rejects(
      verifyAccessToken(await fake.sign(key, { ...claims(), iss: 'https://evil.example' }), verifier()),
      /another issuer/,
    )
  })

  test('aud must contain the configured audience', async () => {
    const v = verifier()
    await rejects(
      verifyAccessToken(await fake.sign(key, { ...claims(), aud: 'https://other.example' }), v),
      /not meant/,
    )
    const result = await verifyAccessToken(
      await fake.sign(key, { ...claims(), aud: ['https://other.example', fake.AUDIENCE] }),
      v,
    )
    assert.deepEqual(result.audience, ['https://other.example', fake.AUDIENCE])
  })

  test('an expired token is refused, unless it expired within the clock tolerance', async () => {
    const past = clock.now().getTime() / 1000
    const expiredBy = (seconds: number) =>
      fake.sign(key, { ...claims(), iat: past - 700, exp: past - seconds })
    await rejects(verifyAccessToken(await expiredBy(6), verifier()), /expired/)
    assert.equal((await verifyAccessToken(await expiredBy(4), verifier())).subject, 'user-1')
    await rejects(verifyAccessToken(await expiredBy(4), verifier({ clockTolerance: 0 })), /expired/)
    assert.equal(
      (await verifyAccessToken(await expiredBy(50), verifier({ clockTolerance: 60 }))).subject,
      'user-1',
    )
  })

  test('iat and nbf in the future beyond the tolerance are refused', async () => {
    const now = clock.now().getTime() / 1000
    await rejects(
      verifyAccessToken(await fake.sign(key, { ...claims(), iat: now + 60 }), verifier()),
      /issued in the future/,
    )
    await rejects(
      verifyAccessToken(await fake.sign(key, { ...claims(), nbf: now + 60 }), verifier()),
      /not valid yet/,
    )
    assert.ok(
      await verifyAccessToken(await fake.sign(key, { ...claims(), iat: now + 3, nbf: now + 3 }), verifier()),
    )
  })

  test('every RFC 9068 §2.2 claim is required', async () => {
    for (const claim of ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']) {
      const token = await fake.sign(key, { ...claims(), [claim]: undefined })
      await rejects(verifyAccessToken(token, verifier()), new RegExp(`${claim} claim is missing`))
    }
  })

  test('a missing scope is insufficient_scope naming every required scope', async () => {
    const token = await fake.sign(key, { ...claims(), scope: 'profile' })
    await assert.rejects(
      verifyAccessToken(token, verifier(), ['orders:read', 'profile']),
      (error: unknown) => {
        assert.ok(error instanceof InsufficientScopeError)
        assert.equal(error.code, 'insufficient_scope')
        assert.equal(error.status, 403)
        assert.equal(error.scope, 'orders:read profile')
        return true
      },
    )
    const unscoped = await fake.sign(key, { ...claims(), scope: undefined })
    await assert.rejects(verifyAccessToken(unscoped, verifier(), ['profile']), InsufficientScopeError)
  })

  test('a signature by another key under a published kid is refused', async () => {
    const impostor = { ...(await fake.createKey('k1')), publicJwk: key.publicJwk }
    await rejects(verifyAccessToken(await fake.sign(impostor, claims()), verifier()), /signature is invalid/)
  })

  test('only the configured algorithms are accepted', async () => {
    const { privateKey } = await generateKeyPair('ES384')
    const es384 = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'ES384', typ: 'at+jwt', kid: 'k1' })
      .sign(privateKey)
    await rejects(verifyAccessToken(es384, verifier()), /algorithm not accepted/)
    const hs256 = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' })
      .sign(new Uint8Array(32))
    await rejects(verifyAccessToken(hs256, verifier()), /algorithm not accepted/)
  })

  test('garbage that looks like a JWS is invalid_token, not a crash', async () => {
    await rejects(verifyAccessToken('abc.def.ghi', verifier()), /malformed/)
  })

  test('an unreachable JWKS is an IssuerError, never a bad token', async () => {
    const v = verifier({ jwksUri: `${await fake.closedPortUrl()}/jwks` })
    await assert.rejects(verifyAccessToken(await fake.sign(key, claims()), v), (error: unknown) => {
      assert.ok(error instanceof IssuerError)
      assert.equal(error.status, 503)
      assert.match(error.message, /JWKS/)
      return true
    })
  })

  test('a JWKS endpoint answering an error status is an IssuerError', async () => {
    const v = verifier({ jwksUri: `${as.issuer}/missing` })
    await assert.rejects(verifyAccessToken(await fake.sign(key, claims()), v), IssuerError)
  })

  test('an unreachable issuer during discovery is an IssuerError', async () => {
    const v = createVerifier({ issuer: await fake.closedPortUrl(), audience: fake.AUDIENCE, clock })
    await assert.rejects(
      verifyAccessToken(await fake.sign(key, claims()), v),
      /could not reach the issuer metadata/,
    )
  })

  test('a failed discovery is not remembered: the next request discovers again', async () => {
    const v = verifier()
    const token = await fake.sign(key, claims())
    as.setDown(true)
    try {
      await assert.rejects(verifyAccessToken(token, v), /issuer metadata at .* answered HTTP 503/)
    } finally {
      as.setDown(false)
    }
    assert.equal((await verifyAccessToken(token, v)).subject, 'user-1')
  })
})
