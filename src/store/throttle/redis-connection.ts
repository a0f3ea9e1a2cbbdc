import { Redis } from 'ioredis'
import type { Logger } from 'pino'

/** A command Redis has not answered by then fails (a stalled Redis), and so does the attempt it counted. */
const COMMAND_TIMEOUT_MS = 2000

/**
 * The connection of the shared throttle. While Redis is away, commands fail at once instead of waiting in a
 * queue for a reconnection (no offline queue, no retries): attempts answer 503 at once, fail closed. The client
 * reconnects by itself, backing off to every 2 s, and each outage is told once in the log, and its end once.
 */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  let connected = false
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // ioredis's own backoff once connected; a first connection that fails is the caller's failure, not retried.
    retryStrategy: (times) => (connected ? Math.min(times * 50, 2000) : null),
  })
  let lastError: Error | undefined
  let down = false
  // A listener of its own: without one, ioredis prints each failed reconnection to stderr, unstructured.
  redis.on('error', (error: Error) => {
    lastError = error
  })
  try {
    await redis.connect()
  } catch (error) {
    // Ended already (no retry): disconnecting would leave ioredis's 2 s timer for a socket that has closed,
    // keeping a failed start's process alive.
    if (redis.status !== 'end') redis.disconnect()
    // ioredis rejects with "Connection is closed."; the socket's error says why (ECONNREFUSED, ENOTFOUND...).
    throw new Error(`Redis could not be reached: ${(lastError ?? (error as Error)).message}`, {
      cause: lastError ?? error,
    })
  }
  connected = true
  // Outages are told from here on: a Redis that was never reached is the caller's failure to start.
  // Emitted when a connection ended that nobody closed, before each try to reconnect.
  redis.on('reconnecting', () => {
    if (down) return
    down = true
    logger.error(
      { redis: 'unreachable', cause: lastError?.message },
      'Redis is unreachable: sign-in and device verification answer 503 until it is back',
    )
  })
  redis.on('ready', () => {
    lastError = undefined
    if (!down) return
    down = false
    logger.info({ redis: 'reachable' }, 'Redis is reachable again')
  })
  return redis
}
