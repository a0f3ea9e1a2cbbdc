import type { Redis } from 'ioredis'
import type { UnsettledRedemptions } from '../../core/ports/unsettled.ts'
import { failClosed } from '../throttle/fail-closed.ts'

/** Unsettled redemptions seen by any node, in Redis: bounded by their TTL, however long an outage lasts. */
export function redisUnsettledRedemptions(redis: Redis, prefix = 'keyward:unsettled:'): UnsettledRedemptions {
  return {
    async remember(key, issued, ttlSeconds) {
      const ttlMs = Math.max(1, Math.ceil(ttlSeconds * 1000))
      await failClosed(() => redis.set(`${prefix}${key}`, issued, 'PX', ttlMs))
    },
    issuedBy: (key) => failClosed(() => redis.get(`${prefix}${key}`)),
  }
}
