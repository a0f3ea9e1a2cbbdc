import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import {
  type Clock,
  type Config,
  type CoreContext,
  openKeyRing,
  lintServer,
  type Random,
  recordedPeople,
  storedPeople,
  sweepExpired,
} from './core/index.ts'
import type { EventSink } from './core/ports/events.ts'
import type { People } from './core/ports/people.ts'
import type { Stores } from './core/ports/stores.ts'
import { eventsTo, logEvents } from './events/log-events.ts'
import { withRequestId } from './events/request-id.ts'
import { configuredWebhook, type WebhookOutcome } from './events/webhook.ts'
import { createOutboundFetch } from './net/outbound-fetch.ts'
import type { ReadinessCheck } from './http/ops/health.ts'
import { logoutDelivery } from './outbound/backchannel-logout.ts'
import { openConfiguredStores, redisFailure } from './startup-failure.ts'
import { watchSigningKeys } from './store/index.ts'
import { memoryReplayCache } from './store/replay/memory-replay.ts'
import { redisReplayCache } from './store/replay/redis-replay.ts'
import { memoryThrottle } from './store/throttle/memory-throttle.ts'
import { redisThrottle } from './store/throttle/redis-throttle.ts'
import { memoryUnsettledRedemptions } from './store/unsettled/memory-unsettled.ts'
import { redisUnsettledRedemptions } from './store/unsettled/redis-unsettled.ts'
import { cryptoRandom, systemClock } from './system.ts'

/** What the core runs with, besides the configuration: each has a default, and an embedder may bring its own. */
export interface RuntimeOptions {
  /** Stores Keyward keeps its records in; opened from `config.databaseUrl` (and closed by Keyward) when absent. */
  readonly stores?: Stores
  /** Who signs in: Keyward's own user store when absent. */
  readonly people?: People
  readonly clock?: Clock
  readonly random?: Random
  /** Receives every security event as well as the log does (the metrics' tally). */
  readonly eventTap?: EventSink
  /** Told what became of each event sent to the configured webhook (the metrics' counter). */
  readonly webhookTally?: (outcome: WebhookOutcome) => void
  /**
   * Certificate authorities (PEM) that outbound fetches trust besides Node's own: code only, never configuration,
   * for tests that serve metadata documents over TLS with a certificate of their own.
   */
  readonly trustedCertificates?: string
  /**
   * Whether this process deletes expired records on a timer (default true): with `keyward start --workers`, only
   * worker 1 does, since the records are shared. Key reloads stay in every process: each holds its own key ring.
   */
  readonly sweepsExpired?: boolean
}

/** The core with everything it needs opened, and the background work that keeps it current. */
export interface Runtime {
  readonly core: CoreContext
  /** What this node needs to serve, for `/ready`: the database, the signing keys, Redis when configured. */
  readonly readiness: readonly ReadinessCheck[]
  close(): Promise<void>
}

/**
 * How often a node reloads its signing keys anyway: on PostgreSQL it reloads at once when they change, this
 * covers notifications lost while its listening connection was down, and SQLite (`keyward keys rotate`).
 */
const KEY_RELOAD_INTERVAL_MS = 60_000
/** How often expired codes, tokens, sessions and device codes are deleted. */
const SWEEP_INTERVAL_MS = 10 * 60_000

/** The outbound-fetch port with the configured limits and HTTP cache, on the runtime's clock. */
export function openOutboundFetch(config: Config, clock: Clock, ca?: string) {
  const { cacheMinSeconds, cacheMaxSeconds, cacheEntries, ...limits } = config.outboundFetch
  return createOutboundFetch({
    ...limits,
    cache: { minSeconds: cacheMinSeconds, maxSeconds: cacheMaxSeconds, maxEntries: cacheEntries },
    now: () => clock.now().getTime(),
    ...(ca === undefined ? {} : { ca }),
  })
}

/**
 * Opens what the core needs (stores, Redis when configured, the signing key ring and its change watch) and starts
 * the timers that reload keys and sweep expired records: shared by `keyward start` and by embedding.
 */
export async function openRuntime(
  config: Config,
  logger: Logger,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const clock = options.clock ?? systemClock
  const random = options.random ?? cryptoRandom
  const stores = options.stores ?? (await openConfiguredStores(config))
  // Stores handed in belong to the caller, who closes them.
  const closeStores = () => (options.stores === undefined ? stores.close() : Promise.resolve())
  const fetch = openOutboundFetch(config, clock, options.trustedCertificates)
  const webhook = configuredWebhook(config, { logger, clock, random, fetch, tally: options.webhookTally })
  const events = withRequestId(eventsTo(logEvents(logger), options.eventTap, webhook))
  let redis: Redis | undefined
  let keyWatch: { close(): Promise<void> } | undefined
  try {
    // Loaded only when configured: a single node never pays for the Redis client.
    const { redisUrl } = config
    if (redisUrl !== undefined) {
      const { connectRedis } = await import('./store/throttle/redis-connection.ts')
      redis = await connectRedis(redisUrl, logger).catch((error: unknown) => {
        throw redisFailure(error, redisUrl)
      })
    }
    const keys = await openKeyRing(stores.keys, {
      secret: config.secret,
      clock,
      random,
      algorithm: config.signingAlgorithm,
      events,
    })
    const throttle = redis ? redisThrottle(redis) : memoryThrottle(clock)
    const replay = redis ? redisReplayCache(redis) : memoryReplayCache(clock)
    // In Redis, a client's retry is told from reuse on whichever node or worker it reaches.
    const unsettled = redis ? redisUnsettledRedemptions(redis) : memoryUnsettledRedemptions(clock)
    const people = options.people
      ? recordedPeople(options.people, stores.users, clock)
      : storedPeople(stores.users)
    const logoutNotifier = logoutDelivery(fetch, logger)
    const core: CoreContext = {
      config,
      stores,
      people,
      clock,
      random,
      keys,
      throttle,
      replay,
      events,
      fetch,
      logoutNotifier,
      unsettled,
    }
    const reloadKeys = () =>
      keys.reload().catch((error: unknown) => logger.error({ err: error }, 'reloading signing keys failed'))
    // A key rotated anywhere signs and is published on every node at once, not a minute apart.
    keyWatch = await watchSigningKeys(config.databaseUrl, config.database, () => void reloadKeys())
    const sweep = () => {
      sweepExpired(core).catch((error: unknown) =>
        logger.error({ err: error }, 'deleting expired records failed'),
      )
    }
    const timers = [
      setInterval(reloadKeys, KEY_RELOAD_INTERVAL_MS),
      ...(options.sweepsExpired === false ? [] : [setInterval(sweep, SWEEP_INTERVAL_MS)]),
    ]
    for (const timer of timers) timer.unref()
    const watch = keyWatch
    const shared = redis
    const readiness: ReadinessCheck[] = [
      { name: 'database', check: () => stores.ping() },
      // The ring opened with a key or not at all, and a failed reload keeps it: reported for the operator to
      // see it, it holds once the node started.
      { name: 'signing_keys', check: () => void keys.active() },
      ...(shared ? [{ name: 'redis', check: async () => void (await shared.ping()) }] : []),
    ]
    return {
      core,
      readiness,
      close: async () => {
        for (const timer of timers) clearInterval(timer)
        await logoutNotifier.close()
        // After the app closed: the events of its last requests are in the queue.
        await webhook?.close()
        await watch.close()
        redis?.disconnect()
        await closeStores()
      },
    }
  } catch (error) {
    await webhook?.close()
    await keyWatch?.close()
    redis?.disconnect()
    await closeStores()
    throw error
  }
}

/** Risky settings are said out loud at every start (legacy flows: one warning per client that has one). */
export async function warnRiskySettings(core: CoreContext, logger: Logger): Promise<void> {
  for (const finding of lintServer(core.config, await core.stores.clients.list())) {
    if (finding.severity !== 'info') {
      logger.warn({ rule: finding.id, client: finding.clientId }, `${finding.message} Fix: ${finding.fix}`)
    }
  }
}

/**
 * Builds an HTTP app over an open runtime: if building fails the runtime is closed; once built, `close` closes the
 * app first (so that requests in flight still find their stores), then the runtime.
 */
export async function withApp<Built extends { readonly app: { close(): Promise<unknown> } }>(
  runtime: Runtime,
  build: (core: CoreContext) => Promise<Built>,
): Promise<Built & { close(): Promise<void> }> {
  try {
    const built = await build(runtime.core)
    return {
      ...built,
      close: async () => {
        await built.app.close()
        await runtime.close()
      },
    }
  } catch (error) {
    await runtime.close()
    throw error
  }
}
