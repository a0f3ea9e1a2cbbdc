import { readFileSync } from 'node:fs'
import { createSecureContext } from 'node:tls'
import type { FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import type { Config, CoreContext } from './core/index.ts'
import { buildApp } from './http/app.ts'
import { createLogger } from './http/logger.ts'
import type { Tracing } from './telemetry/tracing.ts'
import { listenFailure, tlsContentFailure, tlsFileFailure } from './startup-failure.ts'
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
  /**
   * The worker slot of `keyward start --workers`: every log line carries it (`worker`) beside pino's `pid`, and the
   * primary serves the metrics of every worker.
   */
  readonly worker?: number
  /** This process's tracing, when the operator turned it on (src/cli/tracing-settings.ts): a span per request. */
  readonly tracing?: Tracing
}

function readTlsFile(tls: NonNullable<Config['tls']>, file: 'certFile' | 'keyFile'): Buffer {
  try {
    return readFileSync(tls[file])
  } catch (error) {
    throw tlsFileFailure(error, file, tls[file])
  }
}

/** The certificate and key, read and tried (each alone, then together), so that what TLS cannot use is told first. */
function usableTls(tls: NonNullable<Config['tls']>): { cert: Buffer; key: Buffer } {
  const cert = readTlsFile(tls, 'certFile')
  const key = readTlsFile(tls, 'keyFile')
  const attempts = [
    ['certFile', { cert }],
    ['keyFile', { key }],
    ['keyFile', { cert, key }],
  ] as const
  for (const [file, options] of attempts) {
    try {
      createSecureContext(options)
    } catch (error) {
      throw tlsContentFailure(error, file, tls[file])
    }
  }
  return { cert, key }
}

/** Opens the stores and keys, builds the HTTP app and listens. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  // Read before anything is opened: a missing file is told in one line and leaves no database half-started.
  const https = config.tls && usableTls(config.tls)
  const baseLogger = createLogger(config.logLevel, options.logStream)
  const logger = options.worker === undefined ? baseLogger : baseLogger.child({ worker: options.worker })
  // Loaded only when configured: a node without metrics never loads prom-client (about 3 MB of RSS here).
  const metricsModule = config.metricsPort === undefined ? undefined : await import('./http/ops/metrics.ts')
  const metrics = metricsModule?.createMetrics()
  const runtime = await openRuntime(
    config,
    logger,
    metrics ? { ...options, eventTap: metrics.events, webhookTally: metrics.countWebhook } : options,
  )
  return withApp(runtime, async (core) => {
    const { stores } = core
    if (stores.connectionUse) metrics?.observeConnections(stores.connectionUse.bind(stores))
    const app = await buildApp({
      core,
      logger,
      adminApi: true,
      readiness: runtime.readiness,
      ...(metrics ? { metrics } : {}),
      ...(options.tracing ? { tracing: options.tracing } : {}),
      ...(https ? { https } : {}),
      extend: (instance) => options.extend?.(instance, core),
    })
    const { host, metricsPort } = config
    // A worker's figures go to the primary, which serves every worker's on metricsPort (src/workers.ts).
    if (metricsModule && metrics && options.worker !== undefined) metricsModule.reportToPrimary(metrics)
    const listener =
      metricsModule && metrics && metricsPort !== undefined && options.worker === undefined
        ? await metricsModule
            .listenMetrics(metrics.registry, host, metricsPort)
            .catch(async (error: unknown) => {
              await app.close()
              throw listenFailure(error, 'metricsPort', host, metricsPort)
            })
        : undefined
    if (listener) app.addHook('onClose', () => listener.close())
    let address: string
    try {
      address = await app.listen({ host: config.host, port: config.port })
    } catch (error) {
      // Closing the app closes the metrics listener with it.
      await app.close()
      throw listenFailure(error, 'port', config.host, config.port)
    }
    await warnRiskySettings(core, logger)
    return { app, core, address, ...(listener ? { metricsUrl: listener.url } : {}) }
  })
}
