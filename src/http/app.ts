import { readFileSync } from 'node:fs'
import cookie from '@fastify/cookie'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Logger } from 'pino'
import { type CoreContext, createAuthorizationServer, InvalidRequest, isLoopbackHost } from '../core/index.ts'
import { answerClientError, answerServerEvents, requireHost } from './client-errors.ts'
import { registerCors } from './cors.ts'
import { createCsrf } from './csrf.ts'
import { registerErrorHandling, registerPageErrorHandling, sendAsAsked } from './errors.ts'
import { FORM_BODY_LIMIT, registerFormParser } from './form.ts'
import { registerApiRoutes } from './routes/api.ts'
import { registerPageRoutes } from './routes/pages.ts'
import { registerSecurityHeaders, setSecurityHeaders } from './security-headers.ts'
import { trustedProxies } from './trust-proxy.ts'

const STYLESHEET = readFileSync(new URL('./assets/keyward.css', import.meta.url))

export interface AppOptions {
  readonly core: CoreContext
  /** The server's logger (src/http/logger.ts), shared with the security event sink. */
  readonly logger: Logger
  readonly https?: { readonly cert: Buffer; readonly key: Buffer }
  /** Extra routes (the demo's landing page). */
  readonly extend?: (app: FastifyInstance) => void
}

function noSchemas(): never {
  throw new Error('Keyward routes declare no JSON schemas; parse the request in the route instead.')
}

/** The HTTP edge: parses requests into plain values, calls the core, renders the result. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { core } = options
  const server = createAuthorizationServer(core)
  const issuer = new URL(core.config.issuer)
  const https = issuer.protocol === 'https:'
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
      sendAsAsked(request, setSecurityHeaders(reply, { https }), malformed, 'This address is not valid')
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
  // Browsers drop Secure cookies on plain http, which is allowed only on loopback (architecture §5).
  const cookies = { secure: !(issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname)) }

  registerErrorHandling(app)
  answerServerEvents(app, https)
  requireHost(app)
  registerFormParser(app)
  registerSecurityHeaders(app, { https })

  // Two contexts, so that each request pays only for the hooks it needs: the API (machine clients, CORS, no
  // cookies; the token endpoint is the hot path) and the pages (people, cookies, CSRF).
  await app.register(async (api) => {
    registerCors(api)
    registerApiRoutes(api, server)
  })
  await app.register(async (pages) => {
    registerPageErrorHandling(pages)
    await pages.register(cookie)
    registerPageRoutes(pages, server, { csrf: createCsrf(core.config.secret, core.random, cookies), cookies })
    options.extend?.(pages)
  })
  app.get('/assets/keyward.css', (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(STYLESHEET),
  )
  return app
}
