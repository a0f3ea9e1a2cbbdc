import type { FastifyInstance } from 'fastify'
import { ENDPOINT_PATHS } from '../../core/endpoints/metadata.ts'
import type { JsonWebKeySet } from '../../core/tokens/signing-keys.ts'

export interface MetadataRouteDeps {
  /** Recomputed when clients change, since the legacy flows are advertised only while a client has one. */
  metadata(): Promise<Record<string, unknown>>
  jwks(): JsonWebKeySet
}

export function registerMetadataRoutes(app: FastifyInstance, deps: MetadataRouteDeps): void {
  app.get(ENDPOINT_PATHS.metadata, async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=300').send(await deps.metadata()),
  )
  // Short caching: after a key rotation resource servers must see the new key soon.
  app.get(ENDPOINT_PATHS.jwks, async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=60').type('application/jwk-set+json').send(deps.jwks()),
  )
}
