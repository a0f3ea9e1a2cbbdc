import type { Clock } from '../../core/index.ts'
import type { ReplayCache } from '../../core/ports/replay.ts'

/** One node's memory of one-time values. Expired entries are dropped as new ones arrive, so it stays small. */
export function memoryReplayCache(clock: Clock): ReplayCache {
  const expiries = new Map<string, number>()
  return {
    async claimOnce(key, ttlSeconds) {
      const now = clock.now().getTime()
      // A Map iterates in insertion order, which is expiry order for one ttl; a few longer-lived entries may
      // wait behind a shorter one, which only delays their removal.
      for (const [seen, expiresAt] of expiries) {
        if (expiresAt > now) break
        expiries.delete(seen)
      }
      const expiresAt = expiries.get(key)
      if (expiresAt !== undefined && expiresAt > now) return false
      expiries.set(key, now + ttlSeconds * 1000)
      return true
    },
  }
}
