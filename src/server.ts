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
  close(): Promise<void>
}

export interface ServerOptions extends RuntimeOptions {
  readonly logStream?: DestinationStream
  readonly extend?: (app: FastifyInstance, core: CoreContext) => void
}

/** Opens the stores and keys, builds the HTTP app and listens. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logStream)
  const runtime = await openRuntime(config, logger, options)
  return withApp(runtime, async (core) => {
    const app = await buildApp({
      core,
      logger,
      ...(config.tls
        ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } }
        : {}),
      extend: (instance) => options.extend?.(instance, core),
    })
    const address = await app.listen({ host: config.host, port: config.port })
    await warnRiskySettings(core, logger)
    return { app, core, address }
  })
}
