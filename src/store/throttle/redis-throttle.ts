import type { Redis } from 'ioredis'
import type { Throttle } from '../../core/ports/throttle.ts'

/** Fixed-window attempt counts shared by every node through Redis; keys expire with their window. */
export function redisThrottle(redis: Redis, prefix = 'keyward:throttle:'): Throttle {
  return {
    async hit(key, windowSeconds) {
      const results = await redis
        .multi()
        .incr(prefix + key)
        .expire(prefix + key, windowSeconds, 'NX')
        .exec()
      const [error, count] = results?.[0] ?? [new Error('Redis returned no result')]
      if (error) throw error
      return Number(count)
    },
    async count(key) {
      return Number((await redis.get(prefix + key)) ?? 0)
    },
    async reset(key) {
      await redis.del(prefix + key)
    },
  }
}
