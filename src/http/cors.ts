import cors from '@fastify/cors'
import type { FastifyInstance } from 'fastify'

/**
 * Browser-based clients (SPAs) call the API endpoints from their own origin. Those endpoints use no cookies, so
 * any origin may: the request itself carries what proves the client (PKCE verifier, token, client_id). Only the
 * API context registers this; pages never allow CORS.
 */
export async function registerCors(api: FastifyInstance): Promise<void> {
  await api.register(cors, {
    origin: '*',
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
  })
}
