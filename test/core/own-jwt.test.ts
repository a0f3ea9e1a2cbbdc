import assert from 'node:assert/strict'
import { createHmac, sign } from 'node:crypto'
import { describe, test } from 'node:test'
import { ownJwtClaims } from '../../src/core/tokens/own-jwt.ts'
import { signJwt } from '../../src/core/tokens/jwt.ts'
import {
  type ActiveKey,
  rotateSigningKey,
  type SigningAlgorithm,
} from '../../src/core/tokens/signing-keys.ts'
import { cryptoRandom } from '../../src/system.ts'
import { memoryCore } from '../support/core-context.ts'
import { testConfig } from '../support/fixtures.ts'

const AT = { typ: 'at+jwt' } as const

/** A key ring of the memory store; its access token key signs `alg`, or its ID token key of `alg` does. */
async function ring(alg: SigningAlgorithm = 'ES256') {
  const core = await memoryCore(testConfig({ signingAlgorithm: alg === 'RS256' ? 'ES256' : alg }))
  const key = alg === 'RS256' ? await core.context.keys.idTokenKey('RS256') : core.context.keys.active()
  const claims = { iss: core.context.config.issuer, sub: 'person', jti: 'j1', iat: 1, exp: 2 }
  return { ...core, deps: core.context, key, claims }
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A JWS over any header, signed with `key` as its own algorithm signs: what a forger with the key could make. */
function signed(header: Readonly<Record<string, unknown>>, claims: unknown, key: ActiveKey): string {
  const input = `${segment(header)}.${segment(claims)}`
  const signature =
    key.alg === 'ES256'
      ? sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign(key.alg === 'RS256' ? 'sha256' : null, Buffer.from(input), key.privateKey)
  return `${input}.${signature.toString('base64url')}`
}

describe('ownJwtClaims: JWTs Keyward signed, verified with node:crypto', () => {
  for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
    test(`${alg}: a token of ours is accepted, with its claims, whatever its expiry`, async () => {
      const { deps, key, claims } = await ring(alg)
      // Many tokens: about 1 in 128 ES256 signatures has an r or s with leading zero bytes.
      for (let i = 0; i < (alg === 'ES256' ? 500 : 20); i++) {
        const token = signJwt({ ...claims, jti: `j${i}` }, key, 'at+jwt')
        assert.deepEqual(await ownJwtClaims(token, AT, deps), { ...claims, jti: `j${i}` })
      }
      const idToken = signJwt(claims, key, 'JWT')
      assert.ok(await ownJwtClaims(idToken, { typ: 'JWT', algorithms: [alg] }, deps))
    })
  }

  test('typ compared as jose does: case-insensitive, application/ implied; any other typ refused', async () => {
    const { deps, key, claims } = await ring()
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+jwt']) {
      assert.ok(await ownJwtClaims(signJwt(claims, key, typ), AT, deps), typ)
    }
    for (const typ of ['JWT', 'application/jwt', 'at+jwt ', 'text/at+jwt', 'dpop+jwt']) {
      assert.equal(await ownJwtClaims(signJwt(claims, key, typ), AT, deps), null, typ)
    }
    assert.equal(await ownJwtClaims(signed({ alg: key.alg, kid: key.kid }, claims, key), AT, deps), null)
    assert.equal(
      await ownJwtClaims(signed({ alg: key.alg, kid: key.kid, typ: 7 }, claims, key), AT, deps),
      null,
    )
  })

  test('a tampered signature, payload or header is refused', async () => {
    const { deps, key, claims } = await ring()
    const token = signJwt(claims, key, 'at+jwt')
    const [header, payload, signature] = token.split('.') as [string, string, string]
    const flipped = Buffer.from(signature, 'base64url')
    flipped[10] = (flipped[10] ?? 0) ^ 1
    assert.equal(await ownJwtClaims(`${header}.${payload}.${flipped.toString('base64url')}`, AT, deps), null)
    const otherPayload = segment({ ...claims, sub: 'someone-else' })
    assert.equal(await ownJwtClaims(`${header}.${otherPayload}.${signature}`, AT, deps), null)
    const otherHeader = segment({ alg: key.alg, typ: 'at+jwt', kid: key.kid, x: 1 })
    assert.equal(await ownJwtClaims(`${otherHeader}.${payload}.${signature}`, AT, deps), null)
    // A signature of the wrong length, and none at all.
    assert.equal(await ownJwtClaims(`${header}.${payload}.${signature.slice(0, -4)}`, AT, deps), null)
    assert.equal(await ownJwtClaims(`${header}.${payload}.`, AT, deps), null)
  })

  test('the alg must be the kid’s key’s, and one the caller allows; none and MACs never', async () => {
    const { deps, key, claims } = await ring()
    const rsa = await deps.keys.idTokenKey('RS256')
    // The ES256 key's kid with another algorithm's signature, and the other way round.
    assert.equal(
      await ownJwtClaims(signed({ alg: 'RS256', typ: 'at+jwt', kid: key.kid }, claims, rsa), AT, deps),
      null,
    )
    assert.equal(
      await ownJwtClaims(signed({ alg: 'ES256', typ: 'at+jwt', kid: rsa.kid }, claims, key), AT, deps),
      null,
    )
    const token = signJwt(claims, key, 'JWT')
    assert.equal(await ownJwtClaims(token, { typ: 'JWT', algorithms: ['RS256', 'EdDSA'] }, deps), null)
    assert.ok(await ownJwtClaims(token, { typ: 'JWT', algorithms: ['RS256', 'ES256'] }, deps))
    const unsigned = `${segment({ alg: 'none', typ: 'at+jwt', kid: key.kid })}.${segment(claims)}.`
    assert.equal(await ownJwtClaims(unsigned, AT, deps), null)
    // HS256 keyed with the public key as text: the algorithm confusion RFC 8725 §2.1 warns of.
    const publicJwk = JSON.stringify(deps.keys.jwks().keys.find((jwk) => jwk.kid === key.kid))
    const input = `${segment({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })}.${segment(claims)}`
    const mac = createHmac('sha256', publicJwk).update(input).digest('base64url')
    assert.equal(await ownJwtClaims(`${input}.${mac}`, AT, deps), null)
  })

  test('an unknown, missing or non-string kid is refused', async () => {
    const { deps, key, claims } = await ring()
    const other = (await ring()).key
    assert.equal(await ownJwtClaims(signJwt(claims, other, 'at+jwt'), AT, deps), null)
    assert.equal(await ownJwtClaims(signed({ alg: key.alg, typ: 'at+jwt' }, claims, key), AT, deps), null)
    const header = { alg: key.alg, typ: 'at+jwt', kid: [key.kid] }
    assert.equal(await ownJwtClaims(signed(header, claims, key), AT, deps), null)
  })

  test('another issuer, or none, is refused', async () => {
    const { deps, key, claims } = await ring()
    assert.equal(
      await ownJwtClaims(signJwt({ ...claims, iss: 'https://other.example' }, key, 'at+jwt'), AT, deps),
      null,
    )
    assert.equal(await ownJwtClaims(signJwt({ ...claims, iss: undefined }, key, 'at+jwt'), AT, deps), null)
  })

  test('a crit header is refused: Keyward signs with no extension', async () => {
    const { deps, key, claims } = await ring()
    const header = { alg: key.alg, typ: 'at+jwt', kid: key.kid, crit: ['b64'], b64: true }
    assert.equal(await ownJwtClaims(signed(header, claims, key), AT, deps), null)
  })

  test('iat, nbf and exp must be numbers when present (expiry itself is the caller’s)', async () => {
    const { deps, key, claims } = await ring()
    for (const claim of ['iat', 'nbf', 'exp']) {
      const token = signJwt({ ...claims, [claim]: '1' }, key, 'at+jwt')
      assert.equal(await ownJwtClaims(token, AT, deps), null, claim)
    }
    const future = signJwt({ ...claims, nbf: 4_000_000_000, exp: 1 }, key, 'at+jwt')
    assert.ok(await ownJwtClaims(future, AT, deps))
  })

  test('malformed tokens are refused, never thrown', async () => {
    const { deps, key, claims } = await ring()
    const [header, payload, signature] = signJwt(claims, key, 'at+jwt').split('.') as [string, string, string]
    const malformed = [
      '',
      'a.b',
      `${header}.${payload}`,
      `${header}.${payload}.${signature}.x`,
      `${header}.${payload}.${signature}.x.y`,
      `!!!.${payload}.${signature}`,
      `${Buffer.from('{not json').toString('base64url')}.${payload}.${signature}`,
      `${segment([1])}.${payload}.${signature}`,
      `${header}.${segment([claims])}.${signature}`,
      `${header}.${Buffer.from([0xff, 0xfe]).toString('base64url')}.${signature}`,
      `${header}.${payload}.${signature}+/`,
      `${header}..${signature}`,
    ]
    for (const token of malformed) assert.equal(await ownJwtClaims(token, AT, deps), null, token)
    // Well-formed JSON that is not a claims object, correctly signed.
    assert.equal(
      await ownJwtClaims(signed({ alg: key.alg, typ: 'at+jwt', kid: key.kid }, 'text', key), AT, deps),
      null,
    )
  })

  test('a token verified before is judged again by each caller: typ, algorithms, issuer', async () => {
    const { deps, key, claims } = await ring()
    const token = signJwt(claims, key, 'at+jwt')
    assert.ok(await ownJwtClaims(token, AT, deps))
    assert.equal(await ownJwtClaims(token, { typ: 'JWT' }, deps), null)
    assert.equal(await ownJwtClaims(token, { typ: 'at+jwt', algorithms: ['RS256'] }, deps), null)
    const elsewhere = { ...deps, config: { ...deps.config, issuer: 'https://other.example' } }
    assert.equal(await ownJwtClaims(token, AT, elsewhere), null)
    assert.deepEqual(await ownJwtClaims(token, AT, deps), claims)
  })

  test('a retired key still published verifies; once unpublished it does not', async () => {
    const { deps, key, claims, clock, stores } = await ring()
    const token = signJwt(claims, key, 'at+jwt')
    const rotation = {
      secret: deps.config.secret,
      clock,
      random: cryptoRandom,
      algorithm: key.alg,
      publishFor: 600,
      events: deps.events,
    }
    await rotateSigningKey(stores.keys, rotation)
    await deps.keys.reload()
    assert.notEqual(deps.keys.active().kid, key.kid)
    assert.deepEqual(await ownJwtClaims(token, AT, deps), claims)
    assert.ok(await ownJwtClaims(signJwt(claims, deps.keys.active(), 'at+jwt'), AT, deps))
    clock.advance(601)
    await deps.keys.reload()
    assert.equal(await ownJwtClaims(token, AT, deps), null)
  })
})
