import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'
import { ENDPOINT_PATHS } from '../core/endpoints/metadata.ts'

// Browser-based clients (SPAs) call these from their own origin. They use no cookies, so any origin may: the
// request itself carries what proves the client (PKCE verifier, token, client_id). Pages never allow CORS.
const CROSS_ORIGIN_PATHS = new Set<string>([
  ENDPOINT_PATHS.metadata,
  ENDPOINT_PATHS.jwks,
  ENDPOINT_PATHS.token,
  ENDPOINT_PATHS.revocation,
  ENDPOINT_PATHS.deviceAuthorization,
])

export async function registerCors(app: FastifyInstance): Promise<void> {
  await app.register(cors, {
    delegator: (request, callback) => {
      const path = (request.url ?? '').split('?')[0] ?? ''
      callback(null, {
        origin: CROSS_ORIGIN_PATHS.has(path) ? '*' : false,
        methods: ['GET', 'POST'],
        allowedHeaders: ['Authorization', 'Content-Type'],
        maxAge: 600,
      })
    },
  })
}
