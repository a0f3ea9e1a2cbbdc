import type { decodeProtectedHeader, errors as JoseErrors, JWK, JWTPayload } from 'jose'
import type { CoreContext } from '../context.ts'
import { InvalidDpopProof, UseDpopNonce } from '../errors.ts'
import { digest } from '../protocol/digest.ts'
import { currentNonce, isFreshNonce } from './nonce.ts'

/** RFC 9449 §4.3 item 5: asymmetric algorithms only, never `none` or an HMAC; advertised in metadata (§5.1). */
export const DPOP_ALGORITHMS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'] as const

/** A proof may be this old: long enough for a slow network, short enough that its jti is remembered briefly. */
export const PROOF_MAX_AGE_SECONDS = 120
/** A proof may claim to be this far in the future: the client's clock may run ahead of ours. */
const PROOF_CLOCK_AHEAD_SECONDS = 30
/** A jti longer than this is no random identifier (§4.2 asks for 96 bits or more): refused, not remembered. */
const MAX_JTI_LENGTH = 256

/** Members only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2). */
const PRIVATE_KEY_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']

/** The request a proof must be for: the method and the URL without query and fragment (RFC 9449 §4.2). */
export interface ProofTarget {
  readonly method: string
  readonly url: string
  /** The access token presented along with the proof (§4.2 ath); absent at the token endpoint. */
  readonly accessToken?: string
}

/** The key a valid proof was signed with, by its RFC 7638 SHA-256 thumbprint: what tokens are bound to. */
export interface ProofKey {
  readonly jkt: string
}

type ProofDeps = Pick<CoreContext, 'config' | 'clock' | 'replay'>

/**
 * RFC 9449 §4.3: checks the value of the one DPoP header of a request against the request it came with, claims
 * its jti once, and answers the thumbprint of the key that signed it. Every defect is invalid_dpop_proof.
 */
export async function verifyDpopProof(
  proof: string,
  target: ProofTarget,
  deps: ProofDeps,
): Promise<ProofKey> {
  // §4.3 items 1–2: one header holding one JWT (several headers arrive joined with a comma, so fail here).
  if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(proof)) {
    throw invalid('send exactly one DPoP header holding one signed JWT.')
  }
  // jose is loaded at the first DPoP proof, not at start: its modules cost every `keyward start` time and memory
  // (issue #14), and most servers never see a proof.
  const { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors, jwtVerify } =
    await import('jose')
  const jwk = embeddedPublicKey(proof, decodeProtectedHeader)
  let payload: JWTPayload
  try {
    ;({ payload } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...DPOP_ALGORITHMS],
      currentDate: deps.clock.now(),
      requiredClaims: ['jti', 'htm', 'htu', 'iat'],
    }))
  } catch (error) {
    // Nothing here does I/O: whatever fails, jose's checks or WebCrypto's key import (a jwk that does not fit
    // the alg), fails because of the proof.
    if (error instanceof errors.JOSEError) throw invalid(proofProblem(error, errors), error)
    throw invalid('its jwk cannot verify a signature of its alg.', error)
  }
  const { jti, htm, htu, iat } = payload as JWTPayload & { htm: unknown; htu: unknown; iat: number }
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    throw invalid(`its jti must be a string of at most ${MAX_JTI_LENGTH} characters.`)
  }
  // §4.3 item 8: the method of this request.
  if (htm !== target.method) throw invalid(`its htm must be ${target.method}.`)
  // §4.3 item 9: the URL of this request, query and fragment ignored, after syntax-based normalization.
  const endpoint = withoutQueryAndFragment(target.url)
  if (typeof htu !== 'string' || withoutQueryAndFragment(htu) !== endpoint) {
    throw invalid(`its htu must be ${endpoint}.`)
  }
  // §4.3 item 10, §8: when this server requires nonces, one it issued lately; the answer gives a fresh one.
  if (deps.config.dpopNonces && !isFreshNonce(payload.nonce, deps)) {
    throw new UseDpopNonce(
      payload.nonce === undefined
        ? 'This server requires a nonce in DPoP proofs: use the one in the DPoP-Nonce header.'
        : 'The nonce of the DPoP proof is stale or unknown: use the one in the DPoP-Nonce header.',
      currentNonce(deps),
    )
  }
  // §4.3 item 11: recent, within the window this server accepts.
  const now = deps.clock.now().getTime() / 1000
  if (iat < now - PROOF_MAX_AGE_SECONDS) throw invalid('it is too old: make a new proof for each request.')
  if (iat > now + PROOF_CLOCK_AHEAD_SECONDS) throw invalid('its iat is in the future.')
  // §4.3 item 12 and §7: a proof sent with an access token carries the token's hash.
  if (target.accessToken !== undefined && payload.ath !== digest(target.accessToken)) {
    throw invalid('its ath claim is not the hash of the access token presented.')
  }
  const jkt = await calculateJwkThumbprint(jwk, 'sha256')
  // §11.1: a jti is accepted once per key and URL while a proof with it could still be accepted.
  const ttl = iat + PROOF_MAX_AGE_SECONDS - now + PROOF_CLOCK_AHEAD_SECONDS
  if (!(await deps.replay.claimOnce(`dpop:${jkt}:${endpoint}:${jti}`, Math.max(1, ttl)))) {
    throw invalid('its jti was used already: make a new proof for each request.')
  }
  return { jkt }
}

/** §4.3 item 7: the header's jwk is a public key; a private part sent here is refused, and so is its absence. */
function embeddedPublicKey(proof: string, decodeHeader: typeof decodeProtectedHeader): JWK {
  let header
  try {
    header = decodeHeader(proof)
  } catch (error) {
    throw invalid('its header is not a JSON object.', error)
  }
  const { jwk } = header
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw invalid('its header has no jwk: the public key that signed it.')
  }
  if (PRIVATE_KEY_MEMBERS.some((member) => member in jwk)) {
    throw invalid('its jwk has a private or symmetric part: send the public key only.')
  }
  return jwk
}

/** RFC 9449 §4.3 item 9 with RFC 3986 §6.2.2–§6.2.3 normalization, which the WHATWG URL parser applies. */
function withoutQueryAndFragment(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.search = ''
    parsed.hash = ''
    return parsed.href
  } catch {
    return ''
  }
}

function invalid(why: string, cause?: unknown): InvalidDpopProof {
  return new InvalidDpopProof(`The DPoP proof is not valid: ${why}`, { cause })
}

/** A clear reason for a client developer, from jose's error. */
function proofProblem(error: InstanceType<typeof JoseErrors.JOSEError>, errors: typeof JoseErrors): string {
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'typ') return 'its typ header must be dpop+jwt.'
    return `its ${error.claim} claim ${error.reason === 'missing' ? 'is missing' : 'is wrong'}.`
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return `sign it with one of ${DPOP_ALGORITHMS.join(', ')}.`
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not match its jwk.'
  if (error instanceof errors.JWSInvalid) return `it is malformed (${error.message}).`
  return 'it is malformed.'
}
