import { createHash, timingSafeEqual } from 'node:crypto'

// RFC 7636 §4.1: 43 to 128 characters from the unreserved set.
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/
// An S256 challenge is the base64url of a SHA-256: always 43 characters.
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/

export function isValidVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier)
}

export function isValidS256Challenge(challenge: string): boolean {
  return S256_CHALLENGE.test(challenge)
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge, compared in constant time. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  if (!isValidVerifier(verifier)) return false
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'))
  const expected = Buffer.from(challenge)
  return computed.length === expected.length && timingSafeEqual(computed, expected)
}
