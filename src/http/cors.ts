import type { FastifyInstance, FastifyReply, onRequestHookHandler } from 'fastify'
import { ENDPOINT_PATHS, InvalidRequest } from '../core/index.ts'

/**
 * The endpoints a browser-based client calls from its own origin, each with its methods: RFC 9700 §2.6 names the
 * token, metadata (both well-known documents) and jwks_uri endpoints, RFC 7009 §2.3 revocation; device
 * authorization serves browser-based device apps. Introspection is for resource servers (RFC 7662 §2), and the authorization endpoint and the pages
 * are navigated to, never fetched (RFC 9700 §2.6: no CORS there).
 */
const CORS_ENDPOINTS: ReadonlyMap<string, readonly string[]> = new Map([
  [ENDPOINT_PATHS.token, ['POST']],
  [ENDPOINT_PATHS.revocation, ['POST']],
  [ENDPOINT_PATHS.deviceAuthorization, ['POST']],
  // RFC 9126 §2.1: a public client pushes as it calls the token endpoint, so a browser app may push too.
  [ENDPOINT_PATHS.pushedAuthorizationRequest, ['POST']],
  [ENDPOINT_PATHS.metadata, ['GET']],
  // OpenID Connect Discovery 1.0 §4 and Core §5.3: browser relying parties (oidc-client-ts) call them from
  // their own origin.
  [ENDPOINT_PATHS.openidConfiguration, ['GET']],
  [ENDPOINT_PATHS.userinfo, ['GET', 'POST']],
  [ENDPOINT_PATHS.jwks, ['GET']],
  // RFC 7591 §3, RFC 7592 §2: browser-based clients (MCP clients among them) register and manage themselves.
  [ENDPOINT_PATHS.registration, ['POST']],
  [`${ENDPOINT_PATHS.registration}/:clientId`, ['GET', 'PUT', 'DELETE']],
  // RFC 9728 §3: clients (browser-based ones too) read it to find the authorization server.
  [`${ENDPOINT_PATHS.protectedResourceMetadata}/*`, ['GET']],
])

// RFC 9449 §4.1: browser clients send their proofs in the DPoP header.
const ALLOWED_HEADERS = 'Authorization, Content-Type, DPoP'
const EXPOSED_HEADERS = 'DPoP-Nonce, WWW-Authenticate'

/**
 * The route URLs of the endpoints browsers call, under the prefix Keyward is mounted at (embedding): route URLs
 * include it, the endpoint paths do not.
 */
export function crossOriginRoutes(prefix: string): ReadonlySet<string> {
  return new Set([...CORS_ENDPOINTS.keys()].map((path) => `${prefix}${path}`))
}

/** Lets a page of any origin read this reply (its errors too: a browser app must see why it was refused). */
export function allowCrossOrigin(reply: FastifyReply): void {
  reply.header('Access-Control-Allow-Origin', '*')
  // RFC 9449 §8, §9: a browser client reads the nonce to use, and UserInfo's DPoP challenge.
  reply.header('Access-Control-Expose-Headers', EXPOSED_HEADERS)
}

/**
 * Any origin may call these endpoints: they use no cookies, so the request itself carries what proves the
 * client (PKCE verifier, token, client_id), and `*` lets no browser send credentials along. Each gets its own
 * preflight route, so that OPTIONS anywhere else is an ordinary 404 or 405 (errors.ts).
 */
export function registerCors(api: FastifyInstance): void {
  const mounted = crossOriginRoutes(api.prefix)
  // Decided once per route as it is added (its HEAD twin and the routes of child contexts too), not per request:
  // reading request.routeOptions builds a new object on every call, a cost on the token endpoint's hot path.
  const corsHook: onRequestHookHandler = (_request, reply, done) => {
    allowCrossOrigin(reply)
    done()
  }
  api.addHook('onRoute', (route) => {
    if (mounted.has(route.url)) route.onRequest = [...[route.onRequest ?? []].flat(), corsHook]
  })
  for (const [path, methods] of CORS_ENDPOINTS) {
    api.options(path, (request, reply) => {
      const requested = request.headers['access-control-request-method']
      // Fetch standard §3.2.2: a preflight names its Origin and the method it asks for.
      if (request.headers.origin === undefined || requested === undefined) {
        throw new InvalidRequest(
          'OPTIONS here is a CORS preflight: it needs Origin and Access-Control-Request-Method.',
        )
      }
      if (!methods.includes(requested)) {
        throw new InvalidRequest(`${path} takes ${methods.join(' or ')}, not ${requested}.`)
      }
      return reply
        .code(204)
        .header('Access-Control-Allow-Methods', methods.join(', '))
        .header('Access-Control-Allow-Headers', ALLOWED_HEADERS)
        .header('Access-Control-Max-Age', '600')
        .send()
    })
  }
}
