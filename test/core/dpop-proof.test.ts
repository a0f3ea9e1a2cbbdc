import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { exportJWK, SignJWT } from 'jose'
import { PROOF_MAX_AGE_SECONDS, verifyDpopProof } from '../../src/core/dpop/proof.ts'
import { InvalidDpopProof, UseDpopNonce } from '../../src/core/errors.ts'
import { memoryReplayCache } from '../../src/store/replay/memory-replay.ts'
import { testClock } from '../support/clock.ts'
import { testConfig } from '../support/fixtures.ts'
import type { ConfigInput } from '../../src/core/config.ts'
import { dpopKey, dpopProof, type ProofOptions } from '../support/dpop.ts'

// RFC 9449 §4.3: every check of a DPoP proof, each defect refused with invalid_dpop_proof and a reason.

const TOKEN_URL = 'https://keyward.example/token'
const key = await dpopKey()
const otherKey = await dpopKey()

function setUp(overrides: Partial<ConfigInput> = {}) {
  const clock = testClock(new Date())
  return { clock, deps: { config: testConfig(overrides), clock, replay: memoryReplayCache(clock) } }
}

const nowSeconds = (clock: { now(): Date }) => Math.floor(clock.now().getTime() / 1000)

/** Verifies a proof made with `options` for a POST to the token endpoint (or `target`). */
async function verify(
  options: Partial<ProofOptions>,
  target: { method?: string; accessToken?: string } = {},
) {
  const { clock, deps } = setUp()
  const proof = await dpopProof(key, { htu: TOKEN_URL, iat: nowSeconds(clock), ...options })
  return verifyDpopProof(proof, { method: target.method ?? 'POST', url: TOKEN_URL, ...target }, deps)
}

/** A proof refused as invalid_dpop_proof, its description matching `reason`. */
function refusedFor(reason: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidDpopProof, String(error))
    assert.equal(error.code, 'invalid_dpop_proof')
    assert.match(error.description, reason)
    return true
  }
}

describe('DPoP proofs (RFC 9449 §4.3)', () => {
  test('a valid proof answers the RFC 7638 thumbprint of its key', async () => {
    assert.deepEqual(await verify({}), { jkt: key.jkt })
  })

  test('htu is compared without query and fragment, after normalization (§4.3 item 9)', async () => {
    assert.deepEqual(await verify({ htu: 'HTTPS://Keyward.EXAMPLE:443/token?x=1#f' }), { jkt: key.jkt })
  })

  test('not one JWT: garbage, two headers joined, an unsigned JWT (§4.3 items 1–2)', async () => {
    const { deps } = setUp()
    const proof = await dpopProof(key, { htu: TOKEN_URL })
    const unsigned = `${proof.split('.').slice(0, 2).join('.')}.`
    for (const value of ['nonsense', `${proof}, ${proof}`, unsigned]) {
      await assert.rejects(
        verifyDpopProof(value, { method: 'POST', url: TOKEN_URL }, deps),
        refusedFor(/exactly one DPoP header/),
      )
    }
  })

  test('typ other than dpop+jwt (§4.3 item 4)', async () => {
    await assert.rejects(verify({ header: { typ: 'JWT' } }), refusedFor(/typ header must be dpop\+jwt/))
  })

  test('a symmetric algorithm, or one the jwk is not for (§4.3 item 5)', async () => {
    const hmac = await new SignJWT({
      jti: 'j',
      htm: 'POST',
      htu: TOKEN_URL,
      iat: Math.floor(Date.now() / 1000),
    })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: key.publicJwk } as never)
      .sign(new Uint8Array(32))
    const { deps } = setUp()
    await assert.rejects(
      verifyDpopProof(hmac, { method: 'POST', url: TOKEN_URL }, deps),
      refusedFor(/sign it with one of ES256/),
    )
    // The header of a valid proof rewritten to claim ES384, which its P-256 jwk cannot verify.
    const [, payload, signature] = (await dpopProof(key, { htu: TOKEN_URL })).split('.')
    const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES384', jwk: key.publicJwk }))
    await assert.rejects(
      verifyDpopProof(
        `${header.toString('base64url')}.${payload}.${signature}`,
        { method: 'POST', url: TOKEN_URL },
        deps,
      ),
      refusedFor(/cannot verify a signature of its alg/),
    )
  })

  test('no jwk, or a jwk with its private part (§4.3 item 7)', async () => {
    await assert.rejects(verify({ header: { jwk: undefined } }), refusedFor(/no jwk/))
    const privateJwk = await exportJWK(key.privateKey)
    await assert.rejects(verify({ header: { jwk: privateJwk } }), refusedFor(/private or symmetric part/))
  })

  test('a signature by another key than the jwk (§4.3 item 6)', async () => {
    await assert.rejects(
      verify({ header: { jwk: otherKey.publicJwk } }),
      refusedFor(/signature does not match its jwk/),
    )
  })

  test('each required claim missing: jti, htm, htu, iat (§4.2)', async () => {
    for (const claim of ['jti', 'htm', 'htu', 'iat']) {
      await assert.rejects(
        verify({ claims: { [claim]: undefined } }),
        refusedFor(new RegExp(`${claim} claim is missing`)),
        claim,
      )
    }
  })

  test('htm of another method, htu of another URL (§4.3 items 8–9)', async () => {
    await assert.rejects(verify({ htm: 'GET' }), refusedFor(/htm must be POST/))
    await assert.rejects(verify({ htu: 'https://keyward.example/revoke' }), refusedFor(/htu must be/))
    await assert.rejects(verify({ htu: 'https://evil.example/token' }), refusedFor(/htu must be/))
  })

  test(`iat older than ${PROOF_MAX_AGE_SECONDS} s or in the future (§4.3 item 11)`, async () => {
    const { clock, deps } = setUp()
    const now = nowSeconds(clock)
    const at = (iat: number) => dpopProof(key, { htu: TOKEN_URL, iat })
    const target = { method: 'POST', url: TOKEN_URL }
    await assert.rejects(
      verifyDpopProof(await at(now - PROOF_MAX_AGE_SECONDS - 1), target, deps),
      refusedFor(/too old/),
    )
    await assert.rejects(verifyDpopProof(await at(now + 60), target, deps), refusedFor(/in the future/))
    assert.deepEqual(await verifyDpopProof(await at(now - PROOF_MAX_AGE_SECONDS + 5), target, deps), {
      jkt: key.jkt,
    })
  })

  test('ath: required and equal to the token hash when a token is presented (§4.3 item 12)', async () => {
    const target = { method: 'GET', accessToken: 'kw_at_token' }
    assert.deepEqual(await verify({ htm: 'GET', accessToken: 'kw_at_token' }, target), { jkt: key.jkt })
    await assert.rejects(verify({ htm: 'GET' }, target), refusedFor(/ath claim is not the hash/))
    await assert.rejects(
      verify({ htm: 'GET', accessToken: 'another' }, target),
      refusedFor(/ath claim is not/),
    )
  })

  test('a jti is accepted once per key and URL (§11.1)', async () => {
    const { deps } = setUp()
    const proof = await dpopProof(key, { htu: TOKEN_URL, jti: 'once' })
    const target = { method: 'POST', url: TOKEN_URL }
    assert.deepEqual(await verifyDpopProof(proof, target, deps), { jkt: key.jkt })
    await assert.rejects(verifyDpopProof(proof, target, deps), refusedFor(/jti was used already/))
    // The same jti for another endpoint is another proof.
    const elsewhere = 'https://keyward.example/userinfo'
    const other = await dpopProof(key, { htu: elsewhere, jti: 'once' })
    assert.deepEqual(await verifyDpopProof(other, { method: 'POST', url: elsewhere }, deps), { jkt: key.jkt })
  })

  test('a jti that is no string or too long', async () => {
    await assert.rejects(verify({ jti: 'x'.repeat(257) }), refusedFor(/jti must be a string/))
    await assert.rejects(verify({ claims: { jti: 7 as never } }), refusedFor(/jti/))
  })
})

describe('DPoP nonces (RFC 9449 §8), when the operator requires them', () => {
  const target = { method: 'POST', url: TOKEN_URL }

  /** The nonce a refusal hands out: the proof was refused with use_dpop_nonce and a fresh nonce. */
  async function nonceFromRefusal(proof: Promise<string>, deps: ReturnType<typeof setUp>['deps']) {
    let nonce = ''
    await assert.rejects(verifyDpopProof(await proof, target, deps), (error: unknown) => {
      assert.ok(error instanceof UseDpopNonce, String(error))
      assert.equal(error.code, 'use_dpop_nonce')
      nonce = error.nonce
      return true
    })
    return nonce
  }

  test('no nonce: use_dpop_nonce with a nonce; the retry with it is accepted', async () => {
    const { deps } = setUp({ dpopNonces: true })
    const nonce = await nonceFromRefusal(dpopProof(key, { htu: TOKEN_URL }), deps)
    assert.match(nonce, /^[\w.-]+$/)
    const retry = await dpopProof(key, { htu: TOKEN_URL, claims: { nonce } })
    assert.deepEqual(await verifyDpopProof(retry, target, deps), { jkt: key.jkt })
  })

  test('a nonce lasts its minute and the next; an older or forged one is refused', async () => {
    const { clock, deps } = setUp({ dpopNonces: true })
    const nonce = await nonceFromRefusal(dpopProof(key, { htu: TOKEN_URL }), deps)
    clock.advance(60)
    const proofAt = (value: string) =>
      dpopProof(key, { htu: TOKEN_URL, iat: nowSeconds(clock), claims: { nonce: value } })
    assert.deepEqual(await verifyDpopProof(await proofAt(nonce), target, deps), { jkt: key.jkt })
    clock.advance(60)
    const fresh = await nonceFromRefusal(proofAt(nonce), deps)
    assert.notEqual(fresh, nonce)
    await nonceFromRefusal(proofAt(`${fresh.split('.')[0]}.forgedforgedforgedforg`), deps)
    // Another server's secret makes other nonces.
    const other = setUp({ dpopNonces: true, secret: 'another-secret-another-secret-0123456789' })
    await nonceFromRefusal(proofAt(fresh), other.deps)
  })

  test('without the setting, a proof needs no nonce', async () => {
    assert.deepEqual(await verify({}), { jkt: key.jkt })
  })
})
