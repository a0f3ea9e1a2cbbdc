import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type AuthorizationServer, type ClientAuthInput, ENDPOINT_PATHS } from '../../core/index.ts'
import { clientRequestOf } from '../form.ts'
import { registerJsonParser } from '../json-body.ts'
import type { Metrics } from '../ops/metrics.ts'
import { type ReplySide, send } from '../send.ts'

/**
 * The endpoints machines call: the token endpoint (RFC 6749 §3.2), revocation (RFC 7009), introspection
 * (RFC 7662), device authorization (RFC 8628 §3.1), pushed authorization requests (RFC 9126), each with a form and client credentials; and the public
 * metadata (RFC 8414, and OpenID Connect Discovery at its own path) and signing keys; OpenID Connect UserInfo.
 */
export function registerApiRoutes(
  app: FastifyInstance,
  server: AuthorizationServer,
  side: ReplySide,
  metrics?: Metrics,
): void {
  const clientEndpoints = {
    [ENDPOINT_PATHS.token]: metrics
      ? async (input: ClientAuthInput) => {
          const result = await server.token(input)
          metrics.countTokens(input, result)
          return result
        }
      : server.token,
    [ENDPOINT_PATHS.revocation]: server.revoke,
    [ENDPOINT_PATHS.introspection]: server.introspect,
    [ENDPOINT_PATHS.deviceAuthorization]: server.deviceAuthorization,
    [ENDPOINT_PATHS.pushedAuthorizationRequest]: server.pushedAuthorizationRequest,
  }
  for (const [path, operation] of Object.entries(clientEndpoints)) {
    app.post(path, async (request, reply) =>
      send(request, reply, await operation(clientRequestOf(request)), side),
    )
  }
  // OpenID Connect Core §5.3.1: UserInfo takes GET and POST; a token in a POST body is RFC 6750 §2.2.
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: ENDPOINT_PATHS.userinfo,
      handler: async (request, reply) =>
        send(request, reply, await server.userinfo(clientRequestOf(request)), side),
    })
  }
  for (const path of [ENDPOINT_PATHS.metadata, ENDPOINT_PATHS.openidConfiguration]) {
    app.get(path, async (request, reply) => send(request, reply, await server.metadata(), side))
  }
  app.get(ENDPOINT_PATHS.jwks, async (request, reply) => send(request, reply, server.jwks(), side))
  // RFC 7591 §3 and RFC 7592 §2: JSON bodies, in a context of their own so that no other endpoint takes JSON.
  void app.register(async (registration) => {
    registerJsonParser(registration)
    const input = (request: FastifyRequest) => ({
      body: request.body,
      authorization: request.headers.authorization,
      address: request.ip,
    })
    const configuration = (request: FastifyRequest<{ Params: { clientId: string } }>) => ({
      ...input(request),
      clientId: request.params.clientId,
    })
    const path = `${ENDPOINT_PATHS.registration}/:clientId`
    registration.post(ENDPOINT_PATHS.registration, async (request, reply) =>
      send(request, reply, await server.register(input(request)), side),
    )
    registration.get<{ Params: { clientId: string } }>(path, async (request, reply) =>
      send(request, reply, await server.registration.read(configuration(request)), side),
    )
    registration.put<{ Params: { clientId: string } }>(path, async (request, reply) =>
      send(request, reply, await server.registration.update(configuration(request)), side),
    )
    registration.delete<{ Params: { clientId: string } }>(path, async (request, reply) =>
      send(request, reply, await server.registration.delete(configuration(request)), side),
    )
  })
  app.get(`${ENDPOINT_PATHS.protectedResourceMetadata}/*`, async (request, reply) => {
    const path = new URL(request.url, 'http://keyward').pathname.slice(app.prefix.length)
    return send(request, reply, await server.resourceMetadata(path), side)
  })
}

/**
 * RFC 8414 §3.1: the metadata of an issuer with a path (`https://app.example/auth`) is at the host's root, the
 * path after the well-known name (`/.well-known/oauth-authorization-server/auth`), outside where Keyward is
 * mounted: the host registers this route at its root (src/embed.ts). OpenID Connect Discovery §4 appends its
 * path to the issuer's instead, which stays under the mount.
 */
export function registerRootMetadataRoute(
  app: FastifyInstance,
  server: AuthorizationServer,
  basePath: string,
): void {
  app.get(`${ENDPOINT_PATHS.metadata}${basePath}`, async (request, reply) => {
    // Fetched by browser-based clients as the metadata under the mount is (cors.ts): no credentials, any origin.
    reply.header('Access-Control-Allow-Origin', '*')
    return send(request, reply, await server.metadata(), { basePath })
  })
}
