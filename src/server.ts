import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import type { Config, CoreContext } from './core/index.ts'
import { buildApp } from './http/app.ts'
import { createLogger } from './http/logger.ts'
import { openRuntime, type RuntimeOptions, warnRiskySettings, withApp } from './runtime.ts'

export interface RunningServer {
  readonly app: FastifyInstance
  readonly core: CoreContext
  /** Where the server listens (which may differ from the issuer behind a proxy). */
  readonly address: string
  /** Where Prometheus scrapes, when `metricsPort` is set. */
  readonly metricsUrl?: string
  close(): Promise<void>
}

export interface ServerOptions extends RuntimeOptions {
  readonly logStream?: DestinationStream
  readonly extend?: (app: FastifyInstance, core: CoreContext) => void
  /** The worker slot of `keyward start --workers`: every log line carries it (`worker`) beside pino's `pid`. */
  readonly worker?: number
}

/** Opens the stores and keys, builds the HTTP app and listens. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const baseLogger = createLogger(config.logLevel, options.logStream)
  const logger = options.worker === undefined ? baseLogger : baseLogger.child({ worker: options.worker })
  // Loaded only when configured: a node without metrics never loads prom-client (about 3 MB of RSS here).
  const metricsModule = config.metricsPort === undefined ? undefined : await import('./http/ops/metrics.ts')
  const metrics = metricsModule?.createMetrics()
  const runtime = await openRuntime(
    config,
    logger,
    metrics ? { ...options, eventTap: metrics.events } : options,
  )
  return withApp(runtime, async (core) => {
    const app = await buildApp({
      core,
      logger,
      readiness: runtime.readiness,
      ...(metrics ? { metrics } : {}),
      ...(config.tls
        ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } }
        : {}),
      extend: (instance) => options.extend?.(instance, core),
    })
    const listener =
      metricsModule && metrics && config.metricsPort !== undefined
        ? await metricsModule.listenMetrics(metrics, config.host, config.metricsPort)
        : undefined
    if (listener) app.addHook('onClose', () => listener.close())
    let address: string
    try {
      address = await app.listen({ host: config.host, port: config.port })
    } catch (error) {
      // Closing the app closes the metrics listener with it.
      await app.close()
      throw error
    }
    await warnRiskySettings(core, logger)
    return { app, core, address, ...(listener ? { metricsUrl: listener.url } : {}) }
  })
}
