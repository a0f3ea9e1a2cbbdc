/**
 * A grant is what one authorization produced: the family of every token issued from one code (or one
 * device approval, or one password login). Revoking the grant revokes every token in it.
 */
export interface Grant {
  readonly id: string
  readonly clientId: string
  readonly userId: string
  readonly scope: readonly string[]
  /** The resources (RFC 8707) the person authorized; a token request may narrow them, never widen. Empty: the server's audience. */
  readonly resources: readonly string[]
  readonly createdAt: Date
  readonly revokedAt: Date | null
  /**
   * Why it was revoked: 'user', 'operator', 'code_reuse', 'refresh_reuse' (a security event when reuse),
   * 'code_retry' (started by a code redemption whose answer was lost, and replaced by its retry's), ...
   */
  readonly revokedReason: string | null
  /**
   * The sign-in the grant began with, for the ID tokens of its refreshes (OpenID Connect Core §12.2): when the
   * password was entered and the session's sid. Null where no browser session was involved (device, password).
   */
  readonly authTime: Date | null
  readonly sid: string | null
}
