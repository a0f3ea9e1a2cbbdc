import type { Redis } from 'ioredis'
import type { Throttle } from '../../core/ports/throttle.ts'

const REFUND_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end`

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
    async reset(key) {
      await redis.del(prefix + key)
    },
    async refund(key) {
      // One atomic step: a plain DECR would create the key (without an expiry) after its window ended.
      await redis.eval(REFUND_SCRIPT, 1, prefix + key)
    },
  }
}
