import type { Digest } from '../protocol/digest.ts'

/**
 * RFC 7591 §3: a token an operator hands out (`keyward registration-tokens create`) that lets its holder register
 * clients while the server's registration policy is `token`. Only its digest is kept (architecture §5).
 */
export interface InitialAccessToken {
  /** A public name for listing and revoking it; not the token. */
  readonly id: string
  readonly digest: Digest
  readonly createdAt: Date
  readonly expiresAt: Date
  /** Registrations it may still make. */
  readonly usesLeft: number
}
