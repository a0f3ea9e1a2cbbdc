import type { JWTPayload } from 'jose'
import type { CoreContext } from '../context.ts'
import type { AccessTokenRecord, RefreshToken } from '../model/token.ts'
import type { User } from '../model/user.ts'
import { digest } from '../protocol/digest.ts'
import { parseScope } from '../protocol/scope.ts'
import { OPAQUE_ACCESS_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX } from './issue.ts'
import { ownJwtClaims } from './own-jwt.ts'

/** A token Keyward issued, as revocation and introspection see it; expiry and revocation are the caller's to judge. */
export type FoundToken =
  | { readonly kind: 'refresh_token'; readonly record: RefreshToken }
  | { readonly kind: 'access_token'; readonly record: AccessTokenRecord }

type FindDeps = Pick<CoreContext, 'config' | 'stores' | 'clock' | 'keys'>

/** A stored access token, and with it, when read in the same statement, the user of its grant. */
type AccessRead = (
  key: string,
) => Promise<{ readonly record: AccessTokenRecord; readonly user?: User | null } | null>

/** The claims of a JWT access token signed by one of our published keys, or null. Expiry is checked later. */
const verifiedClaims = (token: string, deps: FindDeps) => ownJwtClaims(token, { typ: 'at+jwt' }, deps)

function recordFromClaims(claims: JWTPayload): AccessTokenRecord | null {
  const { jti, sub, exp, iat } = claims
  const clientId = claims.client_id
  if (typeof jti !== 'string' || typeof sub !== 'string' || typeof clientId !== 'string') return null
  if (typeof exp !== 'number' || typeof iat !== 'number') return null
  return {
    key: jti,
    format: 'jwt',
    grantId: null,
    clientId,
    subject: sub,
    scope: parseScope(typeof claims.scope === 'string' ? claims.scope : undefined),
    audience: Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud],
    issuedAt: new Date(iat * 1000),
    expiresAt: new Date(exp * 1000),
    revokedAt: null,
    dpopJkt: confirmedKey(claims),
  }
}

/** RFC 9449 §6.1: the thumbprint of the key a JWT is bound to, from its confirmation claim; null when unbound. */
function confirmedKey(claims: JWTPayload): string | null {
  const { cnf } = claims
  if (typeof cnf !== 'object' || cnf === null) return null
  const { jkt } = cnf as { jkt?: unknown }
  return typeof jkt === 'string' ? jkt : null
}

/** Finds a token by its form: refresh and opaque tokens by digest, JWTs by signature and then by jti. */
export async function findToken(token: string, deps: FindDeps): Promise<FoundToken | null> {
  if (token.length > 4096) return null
  if (token.startsWith(REFRESH_TOKEN_PREFIX)) {
    const record = await deps.stores.tokens.getRefreshToken(digest(token))
    return record && { kind: 'refresh_token', record }
  }
  const found = await findAccess(token, deps, async (key) => {
    const record = await deps.stores.tokens.getAccessToken(key)
    return record && { record }
  })
  return found && { kind: 'access_token', record: found.record }
}

/**
 * An access token as findToken finds it (null for any other token), for UserInfo: with the user of its grant
 * when the people are the user store's, read in the same statement (`user` then set: null for none); otherwise
 * `user` is absent and People must be asked.
 */
export async function findAccessTokenAndUser(
  token: string,
  deps: FindDeps & Pick<CoreContext, 'people'>,
): ReturnType<AccessRead> {
  if (token.length > 4096 || token.startsWith(REFRESH_TOKEN_PREFIX)) return null
  return findAccess(token, deps, async (key) => {
    if (deps.people.inUserStore !== true) {
      const record = await deps.stores.tokens.getAccessToken(key)
      return record && { record }
    }
    const found = await deps.stores.tokens.getAccessTokenWithUser(key)
    return found && { record: found.token, user: found.user }
  })
}

/** An access token by its form: an opaque one by digest, a JWT by signature and then by jti. */
async function findAccess(token: string, deps: FindDeps, read: AccessRead): ReturnType<AccessRead> {
  if (token.startsWith(OPAQUE_ACCESS_TOKEN_PREFIX)) return read(digest(token))
  const claims = await verifiedClaims(token, deps)
  const fromClaims = claims && recordFromClaims(claims)
  if (!fromClaims) return null
  // A JWT issued under a grant, or revoked, has a stored record that carries its revocation.
  return (await read(fromClaims.key)) ?? { record: fromClaims }
}

/** Whether a found token may still be used now. */
export function isActive(found: FoundToken, now: Date): boolean {
  const { record } = found
  if (record.revokedAt !== null || record.expiresAt <= now) return false
  return (
    found.kind === 'access_token' || (found.record.rotatedAt === null && found.record.absoluteExpiresAt > now)
  )
}
