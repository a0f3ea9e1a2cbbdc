import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { Redis } from 'ioredis'

/** Where Redis runs on development and CI machines (CONTRIBUTING.md; `npm test`'s pretest starts it). */
export const REDIS_URL = 'redis://127.0.0.1:6379'

/** A connection to the local Redis; fails (never skips) with how to start it when it is not running. */
export async function connectRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  })
  // ioredis rejects with "Connection is closed"; the error event says why (ECONNREFUSED, say).
  let reason: unknown
  redis.once('error', (error) => {
    reason = error
  })
  try {
    await redis.connect()
    await redis.ping()
    return redis
  } catch (error) {
    redis.disconnect()
    throw new Error(
      `Redis is not reachable at ${REDIS_URL}; start it with: redis-server --daemonize yes --bind 127.0.0.1 ` +
        '-::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
      { cause: reason ?? error },
    )
  }
}

/** Deletes every key under `prefix`, so that a run leaves nothing behind. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`)
  if (keys.length > 0) await redis.del(...keys)
}

/**
 * The local Redis for the tests of one suite: connected before them; after them, every key under `prefix`
 * deleted and the connection closed.
 */
export function suiteRedis(prefix: string): () => Redis {
  let redis: Redis | undefined
  before(async () => {
    redis = await connectRedis()
  })
  after(async () => {
    if (!redis) return
    await deleteKeys(redis, prefix)
    redis.disconnect()
  })
  return () => {
    assert.ok(redis, 'connected before the tests')
    return redis
  }
}
