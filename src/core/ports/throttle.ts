/** How many attempts a key may make, and how long it waits once it has made them. */
export interface ThrottlePolicy {
  /** Attempts a key may make before it must wait; the one that reaches the limit is allowed and starts the wait. */
  readonly limit: number
  /**
   * Seconds a key's count lives. Without backoff, a fixed window from the key's first attempt, which later
   * attempts do not extend. With backoff, the count is forgotten this long after the last attempt or wait.
   */
  readonly windowSeconds: number
  /**
   * Absent: a key at the limit waits until its window ends. Present: it waits `firstSeconds`, twice as long after
   * each further attempt, never more than `maxSeconds`: a wait that grows instead of a lock.
   */
  readonly backoff?: { readonly firstSeconds: number; readonly maxSeconds: number }
}

export type ThrottleDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number }

/**
 * Counts attempts per key, for brute-force protection (passwords, user codes, client secrets). In memory for one
 * node; in Redis when several nodes must share the counts. Every operation on one key is atomic. When the store
 * behind it cannot answer, an operation throws TemporarilyUnavailable (src/core/errors.ts) without waiting.
 */
export interface Throttle {
  /**
   * Charges one attempt to the key, in one atomic step with the check: attempts sent at once cannot all pass a
   * count read earlier. While the key must wait, the attempt is refused and not charged.
   */
  take(key: string, policy: ThrottlePolicy): Promise<ThrottleDecision>
  /** Seconds the key must still wait before its next attempt; 0 when it may try now. Charges nothing. */
  waitFor(key: string): Promise<number>
  /** Forgets the key's attempts and wait (after a success). */
  reset(key: string): Promise<void>
  /**
   * Takes back the last attempt, once it proved right, and the wait that attempt started: unlike reset, earlier
   * failures stay counted. Never below zero; a key with no live count gets no credit.
   */
  refund(key: string): Promise<void>
}
