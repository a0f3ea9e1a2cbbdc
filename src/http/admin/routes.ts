import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ADMIN_OPENAPI_PATH, type AuthorizationServer, MERGE_PATCH_MEDIA_TYPE } from '../../core/index.ts'
import { registerJsonParser } from '../json-body.ts'
import { type ReplySide, send } from '../send.ts'

/** An OpenAPI path template as a Fastify route: `/admin/clients/{client_id}` is `/admin/clients/:client_id`. */
const routePath = (template: string) => template.replace(/\{(\w+)\}/g, ':$1')

/**
 * The admin API (DESIGN §9): one route per operation of the core's table of routes, JSON in and out, in a context of its
 * own (JSON bodies, no CORS: it is for machines an operator runs, not for browsers), and its OpenAPI document.
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  server: AuthorizationServer,
  side: ReplySide,
): void {
  // The PATCH operations are JSON merge patches, which clients may send as such (RFC 7396 §4).
  registerJsonParser(app, [MERGE_PATCH_MEDIA_TYPE])
  app.get(ADMIN_OPENAPI_PATH, async (request, reply) =>
    send(request, reply, await server.admin.openapi(), side),
  )
  for (const route of server.admin.routes) {
    app.route({
      method: route.method,
      url: routePath(route.path),
      handler: async (request: FastifyRequest, reply) => {
        const input = {
          path: request.params as Record<string, string>,
          query: request.query,
          body: request.body,
          authorization: request.headers.authorization,
          address: request.ip,
        }
        return send(request, reply, await server.admin.call(route, input), side)
      },
    })
  }
}
