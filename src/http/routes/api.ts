import type { FastifyInstance } from 'fastify'
import { type AuthorizationServer, ENDPOINT_PATHS } from '../../core/index.ts'
import { clientRequestOf } from '../form.ts'
import { send } from '../send.ts'

/**
 * The endpoints machines call: the token endpoint (RFC 6749 §3.2), revocation (RFC 7009), introspection
 * (RFC 7662), device authorization (RFC 8628 §3.1), each with a form and client credentials; and the public
 * metadata (RFC 8414, and OpenID Connect Discovery at its own path) and signing keys; OpenID Connect UserInfo.
 */
export function registerApiRoutes(app: FastifyInstance, server: AuthorizationServer): void {
  const clientEndpoints = {
    [ENDPOINT_PATHS.token]: server.token,
    [ENDPOINT_PATHS.revocation]: server.revoke,
    [ENDPOINT_PATHS.introspection]: server.introspect,
    [ENDPOINT_PATHS.deviceAuthorization]: server.deviceAuthorization,
  }
  for (const [path, operation] of Object.entries(clientEndpoints)) {
    app.post(path, async (request, reply) => send(request, reply, await operation(clientRequestOf(request))))
  }
  // OpenID Connect Core §5.3.1: UserInfo takes GET and POST; a token in a POST body is RFC 6750 §2.2.
  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: ENDPOINT_PATHS.userinfo,
      handler: async (request, reply) =>
        send(request, reply, await server.userinfo(clientRequestOf(request))),
    })
  }
  for (const path of [ENDPOINT_PATHS.metadata, ENDPOINT_PATHS.openidConfiguration]) {
    app.get(path, async (request, reply) => send(request, reply, await server.metadata()))
  }
  app.get(ENDPOINT_PATHS.jwks, async (request, reply) => send(request, reply, server.jwks()))
}
