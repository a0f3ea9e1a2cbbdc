import type { FastifyInstance } from 'fastify'
import { ENDPOINT_PATHS } from '../../core/endpoints/metadata.ts'
import { handleTokenRequest, type TokenEndpointDeps, tokenResponseBody } from '../../core/endpoints/token.ts'
import { clientRequestOf } from '../form.ts'

/** RFC 6749 §3.2: POST, form-encoded; the response is JSON that no cache may keep (§5.1). */
export function registerTokenRoute(app: FastifyInstance, deps: TokenEndpointDeps): void {
  app.post(ENDPOINT_PATHS.token, async (request, reply) => {
    const response = await handleTokenRequest(clientRequestOf(request), deps)
    return reply
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .send(tokenResponseBody(response))
  })
}
