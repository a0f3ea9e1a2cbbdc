import type { FastifyInstance } from 'fastify'
import type { EndpointContext } from '../../core/context.ts'
import { introspectToken } from '../../core/endpoints/introspect.ts'
import { ENDPOINT_PATHS } from '../../core/endpoints/metadata.ts'
import { revokeToken } from '../../core/endpoints/revoke.ts'
import { formOf } from '../form.ts'

/** RFC 7009 revocation and RFC 7662 introspection: both take a form-encoded token and client authentication. */
export function registerTokenManagementRoutes(app: FastifyInstance, deps: EndpointContext): void {
  app.post(ENDPOINT_PATHS.revocation, async (request, reply) => {
    await revokeToken({ params: formOf(request.body), authorization: request.headers.authorization }, deps)
    // RFC 7009 §2.2: 200 with an empty body, whatever happened to the token.
    return reply.header('Cache-Control', 'no-store').code(200).send()
  })
  app.post(ENDPOINT_PATHS.introspection, async (request, reply) => {
    const body = await introspectToken(
      { params: formOf(request.body), authorization: request.headers.authorization },
      deps,
    )
    return reply.header('Cache-Control', 'no-store').send(body)
  })
}
