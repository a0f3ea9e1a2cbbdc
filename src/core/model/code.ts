import type { Digest } from '../protocol/digest.ts'
import type { StandardClaims } from './person-claims.ts'

/** An authorization code, bound to everything RFC 6749 §4.1.3 and RFC 7636 check at redemption. */
export interface AuthorizationCode {
  readonly digest: Digest
  readonly clientId: string
  readonly userId: string
  readonly redirectUri: string
  readonly codeChallenge: string
  readonly scope: readonly string[]
  /** The resources (RFC 8707) the authorization request targeted; empty: the server's audience. */
  readonly resources: readonly string[]
  readonly expiresAt: Date
  /** Set by the first redemption; the grant lets a second redemption revoke what the first one issued. */
  readonly grantId: string | null
  readonly createdAt: Date
  /** OpenID Connect Core §3.1.2.1: the request's nonce, returned in the ID token (§3.1.3.6); null when absent. */
  readonly nonce: string | null
  /** The sign-in behind the code: when the password was entered, and in which session (null before migration 006). */
  readonly authTime: Date | null
  readonly sid: string | null
  /** RFC 9449 §10: the dpop_jkt of the authorization request; the redeeming proof must be signed by that key. */
  readonly dpopJkt: string | null
  /** OpenID Connect Core §5.5: the person's claims the request's `claims` put into the ID token (scope permitting). */
  readonly idTokenClaims: readonly (keyof StandardClaims)[]
}
