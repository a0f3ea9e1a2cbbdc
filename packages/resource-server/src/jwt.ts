import {
  type CompactJWSHeaderParameters,
  decodeProtectedHeader,
  errors,
  type FlattenedJWSInput,
  type JWTPayload,
  jwtVerify,
  type RemoteJWKSet,
} from 'jose'
import { InvalidTokenError, IssuerError } from './errors.ts'
import type { Settings } from './options.ts'

/** Three base64url parts: a JWS in compact serialization (RFC 7515 §7.1). Anything else is opaque. */
export const isJws = (token: string): boolean => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)

// RFC 9068 §4: typ is at+jwt; media types compare case-insensitively (RFC 2045 §5.1)
const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt'])

/** What a jose failure means for the caller, in words safe to put on the wire. */
function describe(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return 'the access token expired'
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
    return 'the access token is not valid yet'
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return 'the access token is signed with an algorithm not accepted here'
  if (error instanceof errors.JWKSNoMatchingKey) return 'the access token is signed with an unknown key'
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the access token signature is invalid'
  return 'the access token is malformed'
}

/** A key that is not there (or is ambiguous) is the token's fault; any other failure is the issuer's. */
function issuerKeys(keys: () => Promise<RemoteJWKSet>) {
  return async (header: CompactJWSHeaderParameters, token: FlattenedJWSInput) => {
    const keySet = await keys()
    try {
      return await keySet(header, token)
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
        throw error
      throw new IssuerError('could not get the signing keys from the issuer JWKS', { cause: error })
    }
  }
}

/** Verifies the signature and header of an RFC 9068 JWT access token; the claims are checked by the caller. */
export async function verifyJwt(
  token: string,
  keys: () => Promise<RemoteJWKSet>,
  settings: Settings,
): Promise<JWTPayload> {
  let typ: unknown
  try {
    typ = decodeProtectedHeader(token).typ
  } catch (cause) {
    throw new InvalidTokenError('the access token is malformed', { cause })
  }
  // RFC 9068 §4: refuse other JWTs (ID tokens, logout tokens) presented as access tokens
  if (typeof typ !== 'string' || !ACCESS_TOKEN_TYPES.has(typ.toLowerCase())) {
    throw new InvalidTokenError('the token is not a JWT access token (typ must be at+jwt)')
  }
  try {
    const { payload } = await jwtVerify(token, issuerKeys(keys), {
      algorithms: [...settings.algorithms],
      clockTolerance: settings.clockTolerance,
      currentDate: settings.clock.now(),
    })
    return payload
  } catch (error) {
    if (error instanceof errors.JOSEError) throw new InvalidTokenError(describe(error), { cause: error })
    throw error
  }
}
