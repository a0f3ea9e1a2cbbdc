import type { Digest } from '../protocol/digest.ts'
import type { StandardClaims } from './person-claims.ts'

/** A refresh token at rest: only its digest, tied to its grant (the family that reuse detection kills). */
export interface RefreshToken {
  readonly digest: Digest
  readonly grantId: string
  readonly clientId: string
  readonly userId: string
  readonly scope: readonly string[]
  readonly createdAt: Date
  /** Idle expiry: pushed forward on each rotation, never past absoluteExpiresAt. */
  readonly expiresAt: Date
  readonly absoluteExpiresAt: Date
  /** Set when the token was exchanged for a new one; a later use of it is reuse (RFC 9700 §4.14.2). */
  readonly rotatedAt: Date | null
  /** The refresh token this one was issued in exchange for; null for the first of a grant. */
  readonly replaces: Digest | null
  readonly revokedAt: Date | null
  /** RFC 9449 §5: the thumbprint of the key a public client's refresh token is bound to; null when unbound. */
  readonly dpopJkt: string | null
}

/**
 * An access token that the server must be able to find again: an opaque token (by digest), or a JWT issued
 * under a grant (by jti), so that revoking the grant makes introspection report it inactive. JWTs issued to
 * clients on their own behalf (client credentials) are not stored: that path writes nothing.
 */
export interface AccessTokenRecord {
  /** The digest of an opaque token, or the jti of a JWT. */
  readonly key: string
  readonly format: 'jwt' | 'opaque'
  readonly grantId: string | null
  readonly clientId: string
  /** The resource owner; for client credentials the client itself. */
  readonly subject: string
  readonly scope: readonly string[]
  readonly audience: readonly string[]
  readonly issuedAt: Date
  readonly expiresAt: Date
  readonly revokedAt: Date | null
  /** RFC 9449 §6: the thumbprint (RFC 7638) of the DPoP key the token is bound to (cnf.jkt); null for Bearer. */
  readonly dpopJkt: string | null
}

/** The records one issue of a grant's tokens stores: the access token's when it is kept, the refresh token if any. */
export interface IssuedTokens {
  readonly accessToken: AccessTokenRecord | null
  readonly refreshToken: RefreshToken | null
}

/** What the token endpoint returns, in camelCase; the HTTP edge renders wire names (RFC 6749 §5.1). */
export interface TokenResponse {
  readonly accessToken: string
  /** RFC 9449 §5: DPoP when the access token is bound to the key of the request's proof. */
  readonly tokenType: 'Bearer' | 'DPoP'
  readonly expiresIn: number
  readonly scope: readonly string[]
  readonly refreshToken?: string
  /** Set when the scope includes openid: the sign-in the token endpoint states in an ID token. */
  readonly authentication?: Authentication
}

/** What an ID token says about a sign-in (OpenID Connect Core §2), besides the issuer, client and times. */
export interface Authentication {
  readonly subject: string
  readonly authTime: Date | null
  readonly sid: string | null
  /** Only on the first ID token of a code (Core §3.1.3.6); a refresh's carries none (§12.2). */
  readonly nonce: string | null
  /**
   * The person's claims a code's `claims` request asked for in the ID token (Core §5.5); none otherwise. The claims
   * of the granted scopes join them unless ID tokens are kept minimal (id-token.ts).
   */
  readonly claims: readonly (keyof StandardClaims)[]
}
