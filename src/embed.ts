import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import {
  type ClientRegistration,
  type Config,
  type CoreContext,
  createAdminClient,
  createAuthorizationServer,
  createClient,
  ENDPOINT_PATHS,
  errorBody,
  ServerError,
} from './core/index.ts'
import type { Client } from './core/model/client.ts'
import { basePathOf, buildApp, registerKeyward } from './http/app.ts'
import { createLogger } from './http/logger.ts'
import { registerRootMetadataRoute } from './http/routes/api.ts'
import { openRuntime, type RuntimeOptions, warnRiskySettings, withApp } from './runtime.ts'

export interface EmbedOptions extends RuntimeOptions {
  /**
   * A pino logger (a Fastify application's `app.log` is one) for Keyward's security events and, behind the Node
   * handler, its request logs. Keyward's own when absent, at `config.logLevel`.
   */
  readonly logger?: Logger
  /**
   * Serve the admin API (`<issuer>/admin`, described at `/admin/openapi.json`) as `keyward start` does. Off unless
   * true: an application that embeds Keyward gets no administration API it did not ask for. Its callers are the
   * clients `registerAdminClient` makes.
   */
  readonly admin?: boolean
}

/** Keyward inside another application: mount it at the issuer's path, as a Fastify plugin or a Node handler. */
export interface EmbeddedKeyward {
  readonly core: CoreContext
  /** The issuer's path (`/auth` for `https://app.example/auth`): where Keyward must be mounted. */
  readonly basePath: string
  /**
   * RFC 8414 §3.1: where clients look for the metadata of an issuer with a path, at the host's root
   * (`/.well-known/oauth-authorization-server/auth`). Serve it too, with `fastifyMetadataRoute` or `handler`.
   */
  readonly metadataPath: string
  /** For Fastify: `app.register(keyward.fastifyPlugin, { prefix: keyward.basePath })`. */
  fastifyPlugin(instance: FastifyInstance): Promise<void>
  /** For Fastify, at the root: `app.register(keyward.fastifyMetadataRoute)`. */
  fastifyMetadataRoute(instance: FastifyInstance): Promise<void>
  /**
   * For Express, Connect or node:http: `app.use(keyward.basePath, keyward.handler)` and
   * `app.get(keyward.metadataPath, keyward.handler)`. Mount it before any body parser: Keyward reads its own
   * forms, with its own limits.
   */
  handler(request: IncomingMessage, response: ServerResponse): void
  /** Registers a client, as `keyward clients create` does; a confidential client's secret is returned once. */
  registerClient(registration: ClientRegistration): Promise<{ client: Client; secret: string | null }>
  /**
   * Registers a client of the admin API, as `keyward admin create-client` does (admin:read, and admin:write unless
   * `write` is false); its secret is returned once. Refused unless the admin API was asked for (`admin: true`).
   */
  registerAdminClient(
    name: string,
    access?: { readonly write?: boolean },
  ): Promise<{ client: Client; secret: string | null }>
  /** Stops the timers and closes what Keyward opened (never stores that were handed in). */
  close(): Promise<void>
}

/**
 * Opens Keyward for mounting in an existing application (architecture §1): the same core, routes and pages as
 * `keyward start`, with the embedder's stores, logger and people when given.
 */
export async function createKeyward(config: Config, options: EmbedOptions = {}): Promise<EmbeddedKeyward> {
  const logger = options.logger ?? createLogger(config.logLevel)
  const runtime = await openRuntime(config, logger, options)
  const basePath = basePathOf(config)
  type Built = Omit<EmbeddedKeyward, 'close'> & { readonly app: FastifyInstance }
  return withApp(runtime, async (core): Promise<Built> => {
    await warnRiskySettings(core, logger)
    // The Node handler is a Fastify app of its own that never listens: the host's server hands it requests.
    const adminApi = options.admin === true
    const app = await buildApp({ core, logger, adminApi })
    await app.ready()
    return {
      core,
      basePath,
      metadataPath: `${ENDPOINT_PATHS.metadata}${basePath}`,
      async fastifyMetadataRoute(instance) {
        registerRootMetadataRoute(instance, createAuthorizationServer(core), basePath)
      },
      async fastifyPlugin(instance) {
        if (instance.prefix !== basePath) {
          throw new Error(
            `Keyward's issuer is ${config.issuer}: register it with { prefix: '${basePath}' }, not '${instance.prefix}'.`,
          )
        }
        await registerKeyward(instance, { core, adminApi })
      },
      handler(request, response) {
        // A body parser mounted before Keyward has read the body already: say so instead of waiting for it.
        if (request.readableEnded && Number(request.headers['content-length'] ?? 0) > 0) {
          const error = new ServerError(
            'The request body was read before Keyward: mount Keyward before body parsers.',
          )
          logger.error(error.description)
          response
            .writeHead(500, { 'Content-Type': 'application/json' })
            .end(JSON.stringify(errorBody(error)))
          return
        }
        app.routing(request, response)
      },
      app,
      registerClient: (registration) => createClient(registration, core),
      async registerAdminClient(name, access = {}) {
        if (!adminApi) {
          throw new Error('The admin API is off: createKeyward(config, { admin: true }) serves it.')
        }
        return createAdminClient(name, { write: access.write !== false }, core)
      },
    }
  })
}
