import type { AccessToken } from './access-token.ts'
import { InvalidTokenError } from './errors.ts'
import type { Settings } from './options.ts'

type Claims = Readonly<Record<string, unknown>>

/** Needed to check issuer, audience and expiry and to name who is calling; RFC 7662 §2.2 leaves them optional. */
const REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id']
/** RFC 9068 §2.2: a JWT access token also carries these. */
export const JWT_REQUIRED_CLAIMS = ['iat', 'jti']

function numericDate(claims: Claims, name: string): number | undefined {
  const value = claims[name]
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw new InvalidTokenError(`the ${name} claim is not a number`)
  }
  return value
}

function stringClaim(claims: Claims, name: string): string {
  const value = claims[name]
  if (typeof value !== 'string') throw new InvalidTokenError(`the ${name} claim is not a string`)
  return value
}

function audienceOf(claims: Claims): readonly string[] {
  const aud = claims.aud
  if (typeof aud === 'string') return [aud]
  if (Array.isArray(aud) && aud.every((entry) => typeof entry === 'string')) return aud
  throw new InvalidTokenError('the aud claim is not a string or an array of strings')
}

function scopesOf(claims: Claims): readonly string[] {
  const scope = claims.scope
  if (scope === undefined) return []
  if (typeof scope !== 'string') throw new InvalidTokenError('the scope claim is not a string')
  // RFC 6749 §3.3: scope is a space-delimited list
  return scope.split(' ').filter((entry) => entry !== '')
}

/** Checks the claims a JWT payload and an introspection answer share, and shapes the result. */
export function accessTokenFrom(
  claims: Claims,
  settings: Settings,
  alsoRequired: readonly string[] = [],
): AccessToken {
  for (const name of [...REQUIRED_CLAIMS, ...alsoRequired]) {
    if (claims[name] === undefined) throw new InvalidTokenError(`the ${name} claim is missing`)
  }
  // RFC 9068 §4: iss must exactly match the issuer this resource server trusts
  if (stringClaim(claims, 'iss') !== settings.issuer) {
    throw new InvalidTokenError('the access token was issued by another issuer')
  }
  // RFC 9068 §4: aud must contain this resource server
  const audience = audienceOf(claims)
  if (!audience.includes(settings.audience)) {
    throw new InvalidTokenError('the access token is not meant for this resource server')
  }
  const now = settings.clock.now().getTime() / 1000
  const exp = numericDate(claims, 'exp')!
  // RFC 9068 §4: the current time must be before exp (with the configured clock skew)
  if (exp <= now - settings.clockTolerance) throw new InvalidTokenError('the access token expired')
  const nbf = numericDate(claims, 'nbf')
  if (nbf !== undefined && nbf > now + settings.clockTolerance) {
    throw new InvalidTokenError('the access token is not valid yet')
  }
  const iat = numericDate(claims, 'iat')
  if (iat !== undefined && iat > now + settings.clockTolerance) {
    throw new InvalidTokenError('the access token was issued in the future')
  }
  return Object.freeze({
    subject: stringClaim(claims, 'sub'),
    clientId: stringClaim(claims, 'client_id'),
    scopes: Object.freeze(scopesOf(claims)),
    audience: Object.freeze(audience),
    expiresAt: new Date(exp * 1000),
    claims: Object.freeze(claims),
  })
}
