import { epochSeconds } from '../clock.ts'
import type { CoreContext } from '../context.ts'
import { tokenTypeFor } from '../dpop/binding.ts'
import type { Client } from '../model/client.ts'
import type { Grant } from '../model/grant.ts'
import type { StandardClaims } from '../model/person-claims.ts'
import type { AccessTokenRecord, IssuedTokens, RefreshToken, TokenResponse } from '../model/token.ts'
import type { Stores } from '../ports/stores.ts'
import { type Digest, digest } from '../protocol/digest.ts'
import { OPENID_SCOPE } from '../oidc/claims.ts'
import { subjectFor } from '../oidc/subject.ts'
import { formatScope } from '../protocol/scope.ts'
import type { Target } from '../resources/audience.ts'
import { randomToken } from '../random.ts'
import { signJwt } from './jwt.ts'
import { effectiveLifetime } from './lifetimes.ts'

type TokenDeps = Pick<CoreContext, 'config' | 'clock' | 'random' | 'keys'>

/** Prefixes make leaked Keyward tokens recognizable to secret scanners and in support tickets. */
export const OPAQUE_ACCESS_TOKEN_PREFIX = 'kw_at_'
export const REFRESH_TOKEN_PREFIX = 'kw_rt_'

export interface MintedAccessToken {
  readonly token: string
  readonly expiresIn: number
  /** What the store must keep: always for opaque tokens, for JWTs only when issued under a grant. */
  readonly record: AccessTokenRecord | null
}

/** The resources' lifetime when they set one (the shortest), else the client's, else the server default. */
export function accessTokenLifetime(
  client: Client,
  target: Target,
  deps: Pick<CoreContext, 'config'>,
): number {
  return target.accessTokenLifetime ?? effectiveLifetime(client, deps.config.lifetimes, 'accessToken').seconds
}

/**
 * An access token for `subject` and the target's audience (RFC 8707), as a JWT (RFC 9068) or an opaque token:
 * the resources' format when they set one, else the client's.
 */
export function mintAccessToken(
  request: {
    client: Client
    subject: string
    scope: readonly string[]
    grantId: string | null
    target: Target
    /** RFC 9449 §6: the thumbprint of the DPoP key the token is bound to, or null for a Bearer token. */
    dpopJkt: string | null
  },
  deps: TokenDeps,
): MintedAccessToken {
  const { client, subject, scope, grantId, target, dpopJkt } = request
  const expiresIn = accessTokenLifetime(client, target, deps)
  const now = deps.clock.now()
  const issuedAt = epochSeconds(deps.clock)
  const { audience } = target
  const record = (key: string, format: AccessTokenRecord['format']): AccessTokenRecord => ({
    key,
    format,
    grantId,
    clientId: client.id,
    subject,
    scope,
    audience,
    issuedAt: now,
    expiresAt: new Date((issuedAt + expiresIn) * 1000),
    revokedAt: null,
    dpopJkt,
  })

  if ((target.accessTokenFormat ?? client.accessTokenFormat) === 'opaque') {
    const token = OPAQUE_ACCESS_TOKEN_PREFIX + randomToken(deps.random)
    return { token, expiresIn, record: record(digest(token), 'opaque') }
  }
  const jti = randomToken(deps.random, 16)
  // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat, jti are required; scope when one was granted.
  const token = signJwt(
    {
      iss: deps.config.issuer,
      // RFC 9068 §6: the client can read a JWT access token, so a person's is the sub the client sees (OpenID
      // Connect Core §8.1), else pairwise would leak the public id. Client credentials: the client itself.
      sub: grantId === null ? subject : subjectFor(client, subject, deps.config.secret),
      aud: audience.length === 1 ? audience[0] : audience,
      exp: issuedAt + expiresIn,
      iat: issuedAt,
      jti,
      client_id: client.id,
      scope: formatScope(scope),
      // RFC 9449 §6.1: a bound token names the thumbprint of its key in the confirmation claim (RFC 7800).
      ...(dpopJkt === null ? {} : { cnf: { jkt: dpopJkt } }),
    },
    deps.keys.active(),
    'at+jwt',
  )
  return { token, expiresIn, record: grantId === null ? null : record(jti, 'jwt') }
}

/** A refresh token for a grant; idle expiry never passes the absolute one set when the grant began. */
export function mintRefreshToken(
  request: {
    client: Client
    grant: Grant
    scope: readonly string[]
    absoluteExpiresAt?: Date
    replaces?: Digest
    /** RFC 9449 §5: the key a public client's refresh token is bound to; null for confidential clients. */
    dpopJkt: string | null
  },
  deps: Pick<CoreContext, 'config' | 'clock' | 'random'>,
): { token: string; record: RefreshToken } {
  const { client, grant, scope } = request
  const now = deps.clock.now()
  const idle = effectiveLifetime(client, deps.config.lifetimes, 'refreshIdle').seconds
  const absolute = effectiveLifetime(client, deps.config.lifetimes, 'refreshAbsolute').seconds
  const absoluteExpiresAt = request.absoluteExpiresAt ?? new Date(now.getTime() + absolute * 1000)
  const token = REFRESH_TOKEN_PREFIX + randomToken(deps.random)
  return {
    token,
    record: {
      digest: digest(token),
      grantId: grant.id,
      clientId: client.id,
      userId: grant.userId,
      scope,
      createdAt: now,
      expiresAt: new Date(Math.min(now.getTime() + idle * 1000, absoluteExpiresAt.getTime())),
      absoluteExpiresAt,
      rotatedAt: null,
      replaces: request.replaces ?? null,
      revokedAt: null,
      dpopJkt: request.dpopJkt,
    },
  }
}

/** What `issueGrantTokens` asks for: the grant's tokens for this scope and target. */
export interface GrantTokenRequest {
  readonly client: Client
  readonly grant: Grant
  readonly scope: readonly string[]
  /** Whom the access token is for: decided by decideTarget (src/core/resources/audience.ts). */
  readonly target: Target
  /** RFC 6749 §6: a rotated refresh token keeps the scope of the one it replaces, even if the access token narrowed. */
  readonly refreshScope?: readonly string[]
  readonly absoluteExpiresAt?: Date
  /** The refresh token this issue rotates, when it does. */
  readonly replaces?: Digest
  /** The nonce of the authorization request, on a code's redemption (OpenID Connect Core §3.1.3.6). */
  readonly nonce?: string | null
  /** The claims the authorization request's `claims` put into the ID token, on a code's redemption (§5.5). */
  readonly idTokenClaims?: readonly (keyof StandardClaims)[]
  /** RFC 9449 §5: the thumbprint of the token request's DPoP key, or null without a proof. */
  readonly dpopJkt: string | null
}

/**
 * Issues the tokens of a grant a person approved (code, device, password, refresh): an access token, and a
 * refresh token when the client may use refresh_token. Writes go to `tx`, the caller's transaction.
 */
export async function issueGrantTokens(
  tx: Stores,
  request: GrantTokenRequest,
  deps: TokenDeps,
): Promise<TokenResponse> {
  const { response, issued } = mintGrantTokens(request, deps)
  if (issued.accessToken) await tx.tokens.createAccessToken(issued.accessToken)
  if (issued.refreshToken) await tx.tokens.createRefreshToken(issued.refreshToken)
  return response
}

/**
 * The tokens of a grant, minted but not stored: the response, and the records the store must keep before it is
 * sent. A refresh token's rotation stores them in the same statement as the rotation itself.
 */
export function mintGrantTokens(
  request: GrantTokenRequest,
  deps: TokenDeps,
): { readonly response: TokenResponse; readonly issued: IssuedTokens } {
  const { client, grant, scope, target, dpopJkt } = request
  const access = mintAccessToken(
    { client, subject: grant.userId, scope, grantId: grant.id, target, dpopJkt },
    deps,
  )
  const response: TokenResponse = {
    accessToken: access.token,
    tokenType: tokenTypeFor(dpopJkt),
    expiresIn: access.expiresIn,
    scope,
    // OpenID Connect Core §3.1.3.3, §12.2: an ID token whenever the scope includes openid, refreshes included.
    ...(scope.includes(OPENID_SCOPE)
      ? {
          authentication: {
            subject: grant.userId,
            authTime: grant.authTime,
            sid: grant.sid,
            nonce: request.nonce ?? null,
            claims: request.idTokenClaims ?? [],
          },
        }
      : {}),
  }
  // OpenID Connect Core §11: the use of refresh tokens is not exclusive to offline_access. Keyward issues one
  // exactly as for plain OAuth: whenever the operator registered the client for the refresh_token grant, with or
  // without openid, and never because of a scope. That registration is the condition §11 allows in place of
  // prompt=consent; offline_access, where an operator configures it, is a scope like any other.
  if (!client.grantTypes.includes('refresh_token')) {
    return { response, issued: { accessToken: access.record, refreshToken: null } }
  }
  // RFC 9449 §5: a public client's refresh token is bound to its DPoP key; a confidential client's is already
  // sender-constrained by the client's authentication.
  const refreshJkt = client.type === 'public' ? dpopJkt : null
  const refresh = mintRefreshToken(
    { ...request, scope: request.refreshScope ?? scope, dpopJkt: refreshJkt },
    deps,
  )
  return {
    response: { ...response, refreshToken: refresh.token },
    issued: { accessToken: access.record, refreshToken: refresh.record },
  }
}
