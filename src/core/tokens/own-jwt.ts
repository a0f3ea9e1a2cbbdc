import { createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto'
import type { JWTPayload } from 'jose'
import type { CoreContext } from '../context.ts'
import { rawToDerSignature } from './jwt.ts'
import type { JsonWebKeySet, SigningAlgorithm } from './signing-keys.ts'

/** A published key, ready to verify with, and the one algorithm it signs with. */
interface PublishedKey {
  readonly alg: SigningAlgorithm
  readonly key: KeyObject
}

/** How each algorithm Keyward signs with is verified (RFC 7518 §3.3, §3.4; RFC 8037 §3.1). */
const VERIFIERS: Readonly<Record<SigningAlgorithm, (input: Buffer, key: KeyObject, sig: Buffer) => boolean>> =
  {
    // RFC 7518 §3.4: R || S, 32 bytes each for P-256.
    ES256: (input, key, sig) => sig.length === 64 && verify('sha256', input, key, rawToDerSignature(sig)),
    RS256: (input, key, sig) => verify('sha256', input, key, sig),
    EdDSA: (input, key, sig) => verify(null, input, key, sig),
  }

const isSigningAlgorithm = (alg: unknown): alg is SigningAlgorithm =>
  typeof alg === 'string' && Object.hasOwn(VERIFIERS, alg)

/** RFC 7518 §3.3 (and jose, which verified these tokens before): an RSA key of fewer than 2048 bits signs nothing. */
const MIN_RSA_BITS = 2048

/** A token whose signature verified: what the checks of each call (`typ`, `algorithms`, `iss`) read again. */
interface Verified {
  readonly alg: SigningAlgorithm
  readonly typ: unknown
  readonly claims: Readonly<JWTPayload>
}

/**
 * Tokens whose signature a published key verified, by their exact text. An ES256 verification costs ~90 µs of CPU
 * and a client presents the same access token until it expires (UserInfo, introspection of a JWT): a signature
 * verified once stays verified for as long as its key is published. Whether the token still holds (revocation,
 * expiry) is never cached: the callers read it each time. A few thousand tokens at most (~1 KB each); the least
 * recently presented go first.
 */
const VERIFIED_CAPACITY = 2_000

/** The published keys of one JWKS, and the tokens they verified. */
interface KeySet {
  readonly byKid: ReadonlyMap<string, PublishedKey>
  readonly verified: Map<string, Verified>
}

// The JWKS object changes only when the key ring reloads, so its imported keys are reused until then, and a token
// verified by a key no longer published is forgotten with the old object.
const keySets = new WeakMap<JsonWebKeySet, KeySet>()

/** The published signing keys by kid (RFC 7638 thumbprints, so one key per kid). */
function keySetOf(jwks: JsonWebKeySet): KeySet {
  let keySet = keySets.get(jwks)
  if (keySet === undefined) {
    const byKid = new Map<string, PublishedKey>()
    for (const jwk of jwks.keys) {
      const { kid, alg, use } = jwk
      if (typeof kid !== 'string' || !isSigningAlgorithm(alg) || (use !== undefined && use !== 'sig'))
        continue
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
      if (alg === 'RS256' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) continue
      byKid.set(kid, { alg, key })
    }
    keySet = { byKid, verified: new Map() }
    keySets.set(jwks, keySet)
  }
  return keySet
}

/** RFC 7515 §4.1.9 as jose compares `typ`: case-insensitive, `application/` implied when there is no slash. */
const normalizedTyp = (typ: string) => {
  const lower = typ.toLowerCase()
  return lower.includes('/') ? lower : `application/${lower}`
}

/**
 * The claims of a JWT of type `typ` that this issuer signed with one of its published keys, or null. Expiry is
 * not judged here: revocation accepts expired access tokens, introspection reports them inactive, and logout
 * accepts an expired ID token as a hint.
 *
 * jose decodes; node:crypto verifies, synchronously, as jwt.ts signs: jose's jwtVerify verifies through WebCrypto's
 * asynchronous jobs, which took 28% of a UserInfo request's CPU time. The checks are jwtVerify's: compact form,
 * header and claims JSON objects, no `crit` (Keyward signs with no extension), the `kid` of a published key and
 * that key's `alg` (never `none` or a MAC), `algorithms`, the signature, `typ`, `iss`, numeric `iat`/`nbf`/`exp`.
 * A token presented again skips only the signature and the parsing (`VERIFIED_CAPACITY`).
 */
export async function ownJwtClaims(
  token: string,
  expected: { readonly typ: string; readonly algorithms?: readonly string[] },
  deps: Pick<CoreContext, 'config' | 'keys'>,
): Promise<JWTPayload | null> {
  const keySet = keySetOf(deps.keys.jwks())
  // Deleted and set again: Map order is then least recently used first, the one evicted.
  const known = keySet.verified.get(token)
  if (known !== undefined) keySet.verified.delete(token)
  const verified = known ?? (await verifiedSignature(token, keySet.byKid))
  if (verified === null) return null
  keySet.verified.set(token, verified)
  if (keySet.verified.size > VERIFIED_CAPACITY)
    keySet.verified.delete(keySet.verified.keys().next().value as string)
  const { alg, typ, claims } = verified
  if (expected.algorithms !== undefined && !expected.algorithms.includes(alg)) return null
  if (typeof typ !== 'string' || normalizedTyp(typ) !== normalizedTyp(expected.typ)) return null
  return claims.iss === deps.config.issuer ? claims : null
}

/** The token's algorithm, `typ` and claims if it is a well-formed JWT whose signature a published key verifies. */
async function verifiedSignature(
  token: string,
  byKid: ReadonlyMap<string, PublishedKey>,
): Promise<Verified | null> {
  // jose is loaded on the first JWT checked, not at start, where it would slow every start.
  const { base64url, decodeJwt, decodeProtectedHeader } = await import('jose')
  const segments = token.split('.')
  if (segments.length !== 3) return null
  const [encodedHeader, encodedPayload, encodedSignature] = segments as [string, string, string]
  let header: ReturnType<typeof decodeProtectedHeader>
  let claims: JWTPayload
  let signature: Uint8Array
  try {
    header = decodeProtectedHeader(token)
    claims = decodeJwt(token)
    signature = base64url.decode(encodedSignature)
  } catch {
    return null
  }
  const { alg, kid, typ } = header
  if (header.crit !== undefined || typeof kid !== 'string') return null
  const published = byKid.get(kid)
  if (published === undefined || published.alg !== alg) return null
  const input = Buffer.from(`${encodedHeader}.${encodedPayload}`)
  const sig = Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength)
  if (!VERIFIERS[published.alg](input, published.key, sig)) return null
  const { iat, nbf, exp } = claims
  if ([iat, nbf, exp].some((time) => time !== undefined && typeof time !== 'number')) return null
  return { alg: published.alg, typ, claims: Object.freeze(claims) }
}
