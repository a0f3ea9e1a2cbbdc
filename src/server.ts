import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import type { DestinationStream } from 'pino'
import {
  type Clock,
  type Config,
  type CoreContext,
  type Random,
  lintServer,
  storedPeople,
  sweepExpired,
  openKeyRing,
} from './core/index.ts'
import type { People } from './core/ports/people.ts'
import { logEvents } from './events/log-events.ts'
import { buildApp } from './http/app.ts'
import { createLogger } from './http/logger.ts'
import { openStores, watchSigningKeys } from './store/index.ts'
import { memoryThrottle } from './store/throttle/memory-throttle.ts'
import { redisThrottle } from './store/throttle/redis-throttle.ts'
import { cryptoRandom, systemClock } from './system.ts'

export interface RunningServer {
  readonly app: FastifyInstance
  readonly core: CoreContext
  /** Where the server listens (which may differ from the issuer behind a proxy). */
  readonly address: string
  close(): Promise<void>
}

export interface ServerOptions {
  readonly logStream?: DestinationStream
  readonly clock?: Clock
  readonly random?: Random
  /** Who signs in: Keyward's own user store unless given. */
  readonly people?: People
  readonly extend?: (app: FastifyInstance, core: CoreContext) => void
}

/**
 * How often a node reloads its signing keys anyway: on PostgreSQL it reloads at once when they change, this
 * covers notifications lost while its listening connection was down, and SQLite (`keyward keys rotate`).
 */
const KEY_RELOAD_INTERVAL_MS = 60_000
/** How often expired codes, tokens, sessions and device codes are deleted. */
const SWEEP_INTERVAL_MS = 10 * 60_000

/** Opens the stores and keys, builds the HTTP app and listens. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock
  const random = options.random ?? cryptoRandom
  const stores = await openStores(config.databaseUrl, config.database)
  const logger = createLogger(config.logLevel, options.logStream)
  const events = logEvents(logger)
  let redis: Redis | undefined
  let keyWatch: { close(): Promise<void> } | undefined
  try {
    // Loaded only when configured: a single node never pays for the Redis client.
    redis = config.redisUrl
      ? await (await import('./store/throttle/redis-connection.ts')).connectRedis(config.redisUrl, logger)
      : undefined
    const keys = await openKeyRing(stores.keys, {
      secret: config.secret,
      clock,
      random,
      algorithm: config.signingAlgorithm,
      events,
    })
    const throttle = redis ? redisThrottle(redis) : memoryThrottle(clock)
    const people = options.people ?? storedPeople(stores.users)
    const core: CoreContext = { config, stores, people, clock, random, keys, throttle, events }
    const app = await buildApp({
      core,
      logger,
      ...(config.tls
        ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } }
        : {}),
      extend: (instance) => options.extend?.(instance, core),
    })
    const reloadKeys = () =>
      keys.reload().catch((error: unknown) => app.log.error({ err: error }, 'reloading signing keys failed'))
    // A key rotated anywhere signs and is published on every node at once, not a minute apart.
    keyWatch = await watchSigningKeys(config.databaseUrl, config.database, () => void reloadKeys())
    const address = await app.listen({ host: config.host, port: config.port })
    // Risky settings are said out loud at every start (legacy flows: one warning per client that has one).
    for (const finding of lintServer(config, await stores.clients.list())) {
      if (finding.severity !== 'info') {
        app.log.warn({ rule: finding.id, client: finding.clientId }, `${finding.message} Fix: ${finding.fix}`)
      }
    }
    const timers = [
      setInterval(reloadKeys, KEY_RELOAD_INTERVAL_MS),
      setInterval(() => {
        sweepExpired(core).catch((error: unknown) =>
          app.log.error({ err: error }, 'deleting expired records failed'),
        )
      }, SWEEP_INTERVAL_MS),
    ]
    for (const timer of timers) timer.unref()
    return {
      app,
      core,
      address,
      close: async () => {
        for (const timer of timers) clearInterval(timer)
        await keyWatch?.close()
        await app.close()
        redis?.disconnect()
        await stores.close()
      },
    }
  } catch (error) {
    await keyWatch?.close()
    redis?.disconnect()
    await stores.close()
    throw error
  }
}
