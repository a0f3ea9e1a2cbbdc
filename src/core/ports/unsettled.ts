/**
 * The single-use credentials (refresh tokens, authorization codes) whose redemption failed with
 * temporarily_unavailable while it may have landed (a database connection lost at COMMIT), each with the one
 * thing that redemption issued: the client was answered 503 and never saw it, so whether or not it was stored,
 * nobody holds it. The client's retry of such a credential is a retry, not reuse, for as long as what the lost
 * answer carried is still unused (src/core/grants/unsettled.ts). In memory for one node; in Redis when several
 * nodes or workers serve, so that the retry may reach any of them.
 */
export interface UnsettledRedemptions {
  /** Remembers, for `ttlSeconds`, that redeeming `key` may have issued `issued`, which nobody received. */
  remember(key: string, issued: string, ttlSeconds: number): Promise<void>
  /**
   * What the unsettled redemption of `key` issued, or null. Throws TemporarilyUnavailable when it cannot tell
   * (Redis away): the caller must then neither answer the retry nor take it for reuse.
   */
  issuedBy(key: string): Promise<string | null>
}
