import type { Redis } from 'ioredis'
import type { Throttle } from '../../core/ports/throttle.ts'
import { failClosed } from './fail-closed.ts'

// One attempt, checked and charged in one atomic step (memory-throttle.ts does the same in JavaScript). The wait
// is a key of its own whose TTL is the wait, so that no clock but Redis's is read. Returns the wait in ms, or 0.
// KEYS: the count, the wait. ARGV: limit, window ms, first backoff ms (0: wait for the window), max backoff ms.
const TAKE_SCRIPT = `
local waiting = redis.call('PTTL', KEYS[2])
if waiting > 0 then return waiting end
local limit, window, first, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local count = redis.call('INCR', KEYS[1])
local wait = 0
if first == 0 then
  redis.call('PEXPIRE', KEYS[1], window, 'NX')
  if count >= limit then wait = redis.call('PTTL', KEYS[1]) end
else
  if count >= limit then wait = math.floor(math.min(first * 2 ^ (count - limit), max)) end
  redis.call('PEXPIRE', KEYS[1], wait + window)
end
if wait > 0 then redis.call('SET', KEYS[2], '1', 'PX', wait) end
return 0`

// A plain DECR would create the count (without an expiry) after its window ended.
const REFUND_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then
  redis.call('DECR', KEYS[1])
  redis.call('DEL', KEYS[2])
end`

/** Attempt counts shared by every node through Redis; every key expires with its window or wait. */
export function redisThrottle(redis: Redis, prefix = 'keyward:throttle:'): Throttle {
  const keysOf = (key: string) => [`${prefix}${key}`, `${prefix}wait:${key}`] as const
  const ask = failClosed
  return {
    async take(key, policy) {
      const limits = [
        policy.limit,
        Math.round(policy.windowSeconds * 1000),
        Math.round((policy.backoff?.firstSeconds ?? 0) * 1000),
        Math.round((policy.backoff?.maxSeconds ?? 0) * 1000),
      ]
      const waitMs = Number(await ask(() => redis.eval(TAKE_SCRIPT, 2, ...keysOf(key), ...limits)))
      return waitMs > 0 ? { allowed: false, retryAfterSeconds: waitMs / 1000 } : { allowed: true }
    },
    async waitFor(key) {
      const waitMs = await ask(() => redis.pttl(keysOf(key)[1]))
      return waitMs > 0 ? waitMs / 1000 : 0
    },
    async reset(key) {
      await ask(() => redis.del(...keysOf(key)))
    },
    async refund(key) {
      await ask(() => redis.eval(REFUND_SCRIPT, 2, ...keysOf(key)))
    },
  }
}
