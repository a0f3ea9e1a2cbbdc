/**
 * Counts attempts per key in a time window, for brute-force protection (password grant, login form, user codes).
 * In memory for one node; in Redis when several nodes must share the counts.
 */
export interface Throttle {
  /** Records one attempt and returns how many the key has in the current window (this one included). */
  hit(key: string, windowSeconds: number): Promise<number>
  /** Forgets the key's attempts (after a success). */
  reset(key: string): Promise<void>
  /**
   * Takes back one attempt the key was charged for, once it proved right: unlike reset, the failures stay
   * counted. Never below zero; a key with no window gets no credit.
   */
  refund(key: string): Promise<void>
}
