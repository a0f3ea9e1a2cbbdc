import type { IncomingHttpHeaders } from 'node:http'
import type { AccessToken } from './access-token.ts'
import { bearerRequest, guard } from './guard.ts'
import type { Verifier } from './verifier.ts'

/** The parts of a FastifyRequest the hook uses (structural: fastify is not a dependency). */
export interface FastifyRequestLike {
  readonly headers: IncomingHttpHeaders
  readonly url: string
  readonly method: string
  accessToken?: AccessToken
}

/** The parts of a FastifyReply the hook uses. */
export interface FastifyReplyLike {
  code(statusCode: number): FastifyReplyLike
  headers(values: Readonly<Record<string, string>>): FastifyReplyLike
  send(payload?: string): FastifyReplyLike
}

/**
 * A Fastify `preHandler` hook: puts the verified token on `request.accessToken`, or answers the
 * RFC 6750 error itself.
 */
export function requireScopeFastify(verifier: Verifier, ...scopes: readonly string[]) {
  return async (
    request: FastifyRequestLike,
    reply: FastifyReplyLike,
  ): Promise<FastifyReplyLike | undefined> => {
    const result = await guard(verifier, bearerRequest(request.headers, request.method, request.url), scopes)
    if (result.ok) {
      request.accessToken = result.accessToken
      return undefined
    }
    // an async hook that answered returns the reply, so Fastify skips the handler
    return reply.code(result.response.status).headers(result.response.headers).send(result.response.body)
  }
}
