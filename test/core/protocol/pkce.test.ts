import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, test } from 'node:test'
import { isValidS256Challenge, isValidVerifier, verifierMatches } from '../../../src/core/protocol/pkce.ts'

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'

describe('PKCE (RFC 7636)', () => {
  test('§4.6: the verifier of Appendix B matches its challenge', () => {
    assert.equal(verifierMatches(VERIFIER, CHALLENGE), true)
  })

  test('another verifier, or the challenge itself sent as the verifier, does not match', () => {
    assert.equal(verifierMatches(`${VERIFIER.slice(0, -1)}l`, CHALLENGE), false)
    assert.equal(verifierMatches(CHALLENGE, CHALLENGE), false)
    assert.equal(verifierMatches(VERIFIER, `${CHALLENGE.slice(0, -1)}d`), false)
    assert.equal(verifierMatches(VERIFIER, 'short'), false)
  })

  test('§4.1: a verifier has 43 to 128 unreserved characters', () => {
    assert.equal(isValidVerifier('a'.repeat(43)), true)
    assert.equal(isValidVerifier('a'.repeat(128)), true)
    assert.equal(isValidVerifier('Az09-._~'.repeat(6)), true)
    assert.equal(isValidVerifier('a'.repeat(42)), false)
    assert.equal(isValidVerifier('a'.repeat(129)), false)
    for (const bad of ['+', '/', '=', ' ', '%', 'é']) {
      assert.equal(isValidVerifier(`${'a'.repeat(42)}${bad}`), false, `verifier with ${bad}`)
    }
  })

  test('a malformed verifier never matches, even a challenge computed from it', () => {
    const short = 'a'.repeat(42)
    assert.equal(verifierMatches(short, createHash('sha256').update(short).digest('base64url')), false)
  })

  test('an S256 challenge is 43 base64url characters', () => {
    assert.equal(isValidS256Challenge(CHALLENGE), true)
    assert.equal(isValidS256Challenge(CHALLENGE.slice(1)), false)
    assert.equal(isValidS256Challenge(`${CHALLENGE}A`), false)
    assert.equal(isValidS256Challenge(`${CHALLENGE.slice(1)}=`), false)
    assert.equal(isValidS256Challenge(`${CHALLENGE.slice(1)}+`), false)
  })
})
