import { hash } from 'node:crypto'
import type { Clock } from '../../core/index.ts'
import type { ReplayCache } from '../../core/ports/replay.ts'

/**
 * One node's memory of one-time values. Expired entries are dropped as new ones arrive, so it stays small.
 *
 * Each entry is kept compact, as a server under DPoP load remembers every proof for two minutes (issue #14): some
 * 250 bytes an entry as the key's text (`dpop:<thumbprint>:<url>:<jti>`) and a time in milliseconds, 64 bytes as
 * the first 128 bits of the key's SHA-256 and the second it expires in, counted from the cache's creation (a
 * small integer, which V8 stores in the entry itself). The second is rounded up, so a value is kept at least its
 * whole ttl; two keys share an entry only by a 128-bit collision, which would refuse a value, never let one
 * through.
 */
export function memoryReplayCache(clock: Clock): ReplayCache {
  const origin = clock.now().getTime()
  const expiries = new Map<string, number>()
  return {
    async claimOnce(key, ttlSeconds) {
      const now = (clock.now().getTime() - origin) / 1000
      // A Map iterates in insertion order, which is expiry order for one ttl; a few longer-lived entries may
      // wait behind a shorter one, which only delays their removal.
      for (const [seen, expiresAt] of expiries) {
        if (expiresAt > now) break
        expiries.delete(seen)
      }
      const entry = hash('sha256', key, 'buffer').toString('latin1', 0, 16)
      const expiresAt = expiries.get(entry)
      if (expiresAt !== undefined && expiresAt > now) return false
      expiries.set(entry, Math.ceil(now + ttlSeconds))
      return true
    },
  }
}
