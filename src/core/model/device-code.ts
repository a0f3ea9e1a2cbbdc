import type { Digest } from '../protocol/digest.ts'

export type DeviceCodeStatus = 'pending' | 'approved' | 'denied' | 'consumed'

/** A device authorization (RFC 8628 §3.2). Both codes are stored as digests only. */
export interface DeviceCode {
  readonly deviceCodeDigest: Digest
  /** Digest of the normalized user code (8 letters, no dash, upper case). */
  readonly userCodeDigest: Digest
  readonly clientId: string
  readonly scope: readonly string[]
  /** The resources (RFC 8707) the device authorization request targeted; empty: the server's audience. */
  readonly resources: readonly string[]
  readonly expiresAt: Date
  /** Seconds the device must wait between polls; grows by 5 on each slow_down (RFC 8628 §3.5). */
  readonly interval: number
  readonly lastPolledAt: Date | null
  readonly status: DeviceCodeStatus
  /** Who approved or denied it. */
  readonly userId: string | null
  readonly createdAt: Date
  /**
   * The sign-in that approved it, for the ID token of the device (OpenID Connect Core §2 `auth_time`, and `sid`
   * for logout): when the password was entered and the browser session's sid. Null until approved.
   */
  readonly authTime: Date | null
  readonly sid: string | null
}
