import type { FastifyInstance } from 'fastify'
import type { EndpointContext } from '../../core/context.ts'
import { authorizeDevice, deviceAuthorizationBody } from '../../core/endpoints/device-authorization.ts'
import { introspectToken } from '../../core/endpoints/introspect.ts'
import { ENDPOINT_PATHS } from '../../core/endpoints/metadata.ts'
import { revokeToken } from '../../core/endpoints/revoke.ts'
import { clientRequestOf } from '../form.ts'

/**
 * The endpoints besides /token that a client calls with its credentials: revocation (RFC 7009), introspection
 * (RFC 7662) and device authorization (RFC 8628 §3.1). Each takes a form and answers JSON that no cache keeps.
 */
export function registerClientApiRoutes(app: FastifyInstance, deps: EndpointContext): void {
  app.post(ENDPOINT_PATHS.revocation, async (request, reply) => {
    await revokeToken(clientRequestOf(request), deps)
    // RFC 7009 §2.2: 200 with an empty body, whatever happened to the token.
    return reply.header('Cache-Control', 'no-store').code(200).send()
  })
  app.post(ENDPOINT_PATHS.introspection, async (request, reply) => {
    return reply
      .header('Cache-Control', 'no-store')
      .send(await introspectToken(clientRequestOf(request), deps))
  })
  app.post(ENDPOINT_PATHS.deviceAuthorization, async (request, reply) => {
    const response = await authorizeDevice(clientRequestOf(request), deps)
    return reply.header('Cache-Control', 'no-store').send(deviceAuthorizationBody(response))
  })
}
