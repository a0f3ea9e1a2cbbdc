import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import cookie from '@fastify/cookie'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Logger } from 'pino'
import { type CoreContext, createAuthorizationServer, InvalidRequest, isLoopbackHost } from '../core/index.ts'
import { duringOperation } from '../core/ports/operation.ts'
import { duringRequest } from '../events/request-id.ts'
import { registerAdminRoutes } from './admin/routes.ts'
import { answerClientError, answerServerEvents, requireHost } from './client-errors.ts'
import { registerCors } from './cors.ts'
import { createCsrf } from './csrf.ts'
import { registerErrorHandling, registerPageErrorHandling, sendAsAsked } from './errors.ts'
import { FORM_BODY_LIMIT, registerFormParser } from './form.ts'
import { type ReadinessCheck, registerHealthRoutes } from './ops/health.ts'
// Types only: prom-client is loaded when a metrics port is configured (src/server.ts), never otherwise.
import type { Metrics } from './ops/metrics.ts'
// Types only too: OpenTelemetry is loaded when the operator turns tracing on (src/cli/tracing-settings.ts).
import type { Tracing } from '../telemetry/tracing.ts'
import { registerApiRoutes, registerRootMetadataRoute } from './routes/api.ts'
import { registerPageRoutes } from './routes/pages.ts'
import { registerSecurityHeaders, setSecurityHeaders } from './security-headers.ts'
import { trustedProxies } from './trust-proxy.ts'

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url))
/** What the pages load from this origin: the stylesheet, and the script that posts a form_post response. */
const ASSETS = new Map([
  ['/assets/keyward.css', { type: 'text/css; charset=utf-8', body: asset('keyward.css') }],
  ['/assets/form-post.js', { type: 'text/javascript; charset=utf-8', body: asset('form-post.js') }],
])

/** What Keyward's routes need: the core, and extra routes for the pages' context (the demo's landing page). */
export interface KeywardRoutesOptions {
  readonly core: CoreContext
  /**
   * Serve the admin API under `/admin`: always for `keyward start`; for an embedder only when asked, since an
   * application that mounts Keyward should not get an administration API it did not ask for.
   */
  readonly adminApi: boolean
  readonly extend?: (pages: FastifyInstance) => void
  /** Counts requests and issued tokens for Prometheus (`metricsPort`); nothing is counted without it. */
  readonly metrics?: Metrics
}

export interface AppOptions extends KeywardRoutesOptions {
  /** The server's logger (src/http/logger.ts), shared with the security event sink. */
  readonly logger: Logger
  readonly https?: { readonly cert: Buffer; readonly key: Buffer }
  /** What `/ready` checks; without them the server has no `/health` and `/ready` (an embedder's own server). */
  readonly readiness?: readonly ReadinessCheck[]
  /** A span per request, when tracing is on. */
  readonly tracing?: Pick<Tracing, 'traceRequests'>
}

function noSchemas(): never {
  throw new Error('Keyward routes declare no JSON schemas; parse the request in the route instead.')
}

/**
 * The path the issuer adds to every endpoint: empty when Keyward has a host of its own, `/auth` when it is
 * mounted there (embedded, or behind a proxy that strips the prefix). Pages link their forms and stylesheet to it.
 */
export function basePathOf(config: CoreContext['config']): string {
  return new URL(config.issuer).pathname.replace(/\/+$/, '')
}

/**
 * Every route of Keyward in one encapsulated Fastify context, with its own form parser, error handling and
 * security headers, so that it can be registered into another application under a prefix (src/embed.ts) as well
 * as make up a server of its own (buildApp).
 */
export async function registerKeyward(app: FastifyInstance, options: KeywardRoutesOptions): Promise<void> {
  const { core } = options
  const server = createAuthorizationServer(core)
  const issuer = new URL(core.config.issuer)
  const https = issuer.protocol === 'https:'
  const basePath = basePathOf(core.config)
  // Browsers drop Secure cookies on plain http, which is allowed only on loopback (architecture §5).
  const cookies = { secure: !(issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname)) }

  registerErrorHandling(app, basePath)
  registerFormParser(app)
  // After the body is read, whose events run in the connection's async context: the handler and all it awaits
  // run in the request's, so each security event it emits carries the request's id, and each lookup knows when
  // the request was received: read here, once the request is all in, so after it arrived (all that
  // src/core/ports/operation.ts asks) and before any handler of its turn starts. The handler starts once the
  // event loop has read what else arrived in its turn (the check phase, after the poll phase), so a busy server
  // answers the requests of a turn together instead of going back to the poll after each, and SQLite's freshness
  // check serves the whole turn with one PRAGMA (src/store/sqlite/driver.ts). The turn's handlers start from one
  // promise, resolved by one setImmediate: against a setImmediate each, CPU per request at 50 connections fell
  // 134–137 → 92–109 µs (JWT client credentials, PostgreSQL), 132–150 → 98–106 µs (the same, SQLite), 87–97 →
  // 68–74 µs (introspection, SQLite). An idle server waits nothing it would notice.
  let turn: Promise<void> | undefined
  const turnRead = (): Promise<void> =>
    (turn ??= new Promise((resolve) =>
      setImmediate(() => {
        turn = undefined
        resolve()
      }),
    ))
  app.addHook('preHandler', (request, _reply, done) => {
    const receivedAt = performance.now()
    void turnRead().then(() => duringRequest(request.id, () => duringOperation(receivedAt, done)))
  })
  registerSecurityHeaders(app, { https })

  // Two contexts, so that each request pays only for the hooks it needs: the API (machine clients, CORS, no
  // cookies; the token endpoint is the hot path) and the pages (people, cookies, CSRF).
  await app.register(async (api) => {
    registerCors(api)
    registerApiRoutes(api, server, { basePath }, options.metrics)
  })
  if (options.adminApi) await app.register(async (admin) => registerAdminRoutes(admin, server, { basePath }))
  await app.register(async (pages) => {
    const side = { basePath, csrf: createCsrf(core.config.secret, core.random, cookies), cookies }
    registerPageErrorHandling(pages, side)
    await pages.register(cookie)
    registerPageRoutes(pages, server, side, options.metrics)
    options.extend?.(pages)
  })
  for (const [path, { type, body }] of ASSETS) {
    app.get(path, (_request, reply) =>
      reply.type(type).header('Cache-Control', 'public, max-age=3600').send(body),
    )
  }
}

/** Keyward as a server of its own: Node's limits and timeouts, answers to malformed HTTP, then every route. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { core } = options
  const https = new URL(core.config.issuer).protocol === 'https:'
  const basePath = basePathOf(core.config)
  const { http } = core.config
  // Node's own options, given to the server it creates for HTTP or for HTTPS.
  const nodeOptions = {
    headersTimeout: http.headersTimeout * 1000,
    // Node looks for requests past their header or request timeout on this interval, 30 s by default, which
    // would let a 10 s limit run to 40 s.
    connectionsCheckingInterval: 1000,
    // Node's answer to a request without Host has no body; requireHost (client-errors.ts) answers instead.
    requireHostHeader: false,
  }
  const serverOptions = {
    loggerInstance: options.logger,
    // Unique across workers and nodes (Fastify's own ids count from req-1 in each process): the id that joins a
    // request's log lines to its security events, wherever either ends up.
    genReqId: () => randomUUID(),
    bodyLimit: FORM_BODY_LIMIT,
    trustProxy: trustedProxies(core.config.trustProxy),
    // Slow or stalled clients are answered 408 and closed (client-errors.ts) instead of being held.
    requestTimeout: http.requestTimeout * 1000,
    keepAliveTimeout: http.keepAliveTimeout * 1000,
    connectionTimeout: http.idleTimeout * 1000,
    clientErrorHandler: answerClientError(https),
    // A request that arrives on an open connection while the server closes is served, with Connection: close,
    // instead of Fastify's own 503 JSON: its connection is drained, not dropped.
    return503OnClosing: false,
    // Fastify answers a URL it cannot decode (bad percent-encoding) before any route or hook: give that reply
    // an OAuth error body or a page, and the security headers, like every other reply (architecture §5).
    frameworkErrors: (error, request, reply) => {
      const malformed = new InvalidRequest('The request URL is malformed.', { cause: error })
      sendAsAsked(
        request,
        setSecurityHeaders(reply, { https }),
        malformed,
        basePath,
        'This address is not valid',
      )
    },
    // No route declares a JSON schema: requests are parsed by hand (form.ts) and replies are plain objects.
    // Without these factories Fastify loads Ajv and fast-json-stringify at start: modules and memory that
    // nothing would use (bench/README.md has the figures).
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
  } satisfies FastifyServerOptions
  // Fastify's types pick the server flavour from the options; TLS or not, the routes see the same API.
  const app = (options.https
    ? Fastify({ ...serverOptions, https: { ...options.https, ...nodeOptions } })
    : Fastify({ ...serverOptions, http: nodeOptions })) as unknown as FastifyInstance
  answerServerEvents(app, https)
  requireHost(app)
  // On the root context, so that every route is measured, the probes and unknown paths included.
  options.metrics?.observeRequests(app)
  options.tracing?.traceRequests(app)
  if (options.readiness) registerHealthRoutes(app, options.readiness)
  await app.register(registerKeyward, options)
  if (basePath !== '') registerRootMetadataRoute(app, createAuthorizationServer(core), basePath)
  return app
}
