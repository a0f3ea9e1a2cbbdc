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

// The JWKS object changes only when the key ring reloads, so its imported keys are reused until then.
const publishedKeys = new WeakMap<JsonWebKeySet, ReadonlyMap<string, PublishedKey>>()

/** The published signing keys by kid (RFC 7638 thumbprints, so one key per kid). */
function keysOf(jwks: JsonWebKeySet): ReadonlyMap<string, PublishedKey> {
  let keys = publishedKeys.get(jwks)
  if (keys === undefined) {
    const usable = new Map<string, PublishedKey>()
    for (const jwk of jwks.keys) {
      const { kid, alg, use } = jwk
      if (typeof kid !== 'string' || !isSigningAlgorithm(alg) || (use !== undefined && use !== 'sig'))
        continue
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
      if (alg === 'RS256' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) continue
      usable.set(kid, { alg, key })
    }
    keys = usable
    publishedKeys.set(jwks, keys)
  }
  return keys
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
 */
export async function ownJwtClaims(
  token: string,
  expected: { readonly typ: string; readonly algorithms?: readonly string[] },
  deps: Pick<CoreContext, 'config' | 'keys'>,
): Promise<JWTPayload | null> {
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
  const published = keysOf(deps.keys.jwks()).get(kid)
  if (published === undefined || published.alg !== alg) return null
  if (expected.algorithms !== undefined && !expected.algorithms.includes(alg)) return null
  const input = Buffer.from(`${encodedHeader}.${encodedPayload}`)
  const sig = Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength)
  if (!VERIFIERS[alg](input, published.key, sig)) return null
  if (typeof typ !== 'string' || normalizedTyp(typ) !== normalizedTyp(expected.typ)) return null
  if (claims.iss !== deps.config.issuer) return null
  const { iat, nbf, exp } = claims
  if ([iat, nbf, exp].some((time) => time !== undefined && typeof time !== 'number')) return null
  return claims
}
