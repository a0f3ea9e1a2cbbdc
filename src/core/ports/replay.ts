/**
 * Remembers one-time values until they expire, so that each is accepted once: the `jti` of a client assertion
 * (RFC 7523 §3 item 7) and of a DPoP proof (RFC 9449 §11.1). In memory for one node; in Redis when several
 * nodes must share what they have seen. When the store behind it cannot answer it throws TemporarilyUnavailable:
 * a value that cannot be checked is refused, never let through.
 */
export interface ReplayCache {
  /** True the first time `key` is claimed within `ttlSeconds`; false when it was claimed already. */
  claimOnce(key: string, ttlSeconds: number): Promise<boolean>
}
