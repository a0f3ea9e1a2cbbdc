import type { Digest } from '../protocol/digest.ts'

/** A person's login session at the authorization server; the cookie holds the raw id, the store its digest. */
export interface Session {
  readonly digest: Digest
  readonly userId: string
  /** When the person last entered their password: prompt=login and max_age compare against it. */
  readonly authTime: Date
  readonly expiresAt: Date
  /**
   * OpenID Connect Front-/Back-Channel Logout: the session's public id, the `sid` of the ID tokens issued in it.
   * Random and unrelated to the cookie, which stays secret.
   */
  readonly sid: string
}
