import type { Digest } from '../protocol/digest.ts'

/**
 * An authorization request a client pushed (RFC 9126 §2): its parameters, kept until the browser brings its
 * request_uri to the authorization endpoint. Only the digest of the request_uri's random part is kept.
 */
export interface PushedRequest {
  readonly digest: Digest
  /** The client that pushed it and authenticated doing so; only it may use the request_uri (RFC 9126 §4). */
  readonly clientId: string
  /** The authorization request's parameters as pushed, without the client's credentials. */
  readonly parameters: Readonly<Record<string, string>>
  readonly createdAt: Date
  /** RFC 9126 §2.2 expires_in: after this the request_uri is refused at the authorization endpoint. */
  readonly expiresAt: Date
  /** When a response went back to the client for it: a request_uri is used once (RFC 9126 §4). */
  readonly usedAt: Date | null
}
