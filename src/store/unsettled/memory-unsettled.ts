import type { Clock } from '../../core/index.ts'
import type { UnsettledRedemptions } from '../../core/ports/unsettled.ts'

/** A bound on what a long database outage under load can make one node remember. */
const CAPACITY = 10_000

/** One node's memory of its unsettled redemptions: past the capacity, the oldest is forgotten first. */
export function memoryUnsettledRedemptions(clock: Clock): UnsettledRedemptions {
  // Insertion order is age order (one window for all): expired and excess entries go from the front.
  const entries = new Map<string, { readonly issued: string; readonly expiresAt: number }>()
  const live = (key: string, now: number) => {
    const entry = entries.get(key)
    return entry !== undefined && entry.expiresAt > now ? entry : undefined
  }
  return {
    async remember(key, issued, ttlSeconds) {
      const now = clock.now().getTime()
      entries.delete(key)
      entries.set(key, { issued, expiresAt: now + ttlSeconds * 1000 })
      for (const [oldest, { expiresAt }] of entries) {
        if (entries.size <= CAPACITY && expiresAt > now) break
        entries.delete(oldest)
      }
    },
    async issuedBy(key) {
      return live(key, clock.now().getTime())?.issued ?? null
    },
  }
}
