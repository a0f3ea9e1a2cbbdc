import type { Redis } from 'ioredis'
import type { ReplayCache } from '../../core/ports/replay.ts'
import { failClosed } from '../throttle/fail-closed.ts'

/** One-time values seen by any node, in Redis: SET NX claims a key once, and its TTL forgets it. */
export function redisReplayCache(redis: Redis, prefix = 'keyward:replay:'): ReplayCache {
  return {
    async claimOnce(key, ttlSeconds) {
      const ttlMs = Math.max(1, Math.ceil(ttlSeconds * 1000))
      return (await failClosed(() => redis.set(`${prefix}${key}`, '1', 'PX', ttlMs, 'NX'))) === 'OK'
    },
  }
}
