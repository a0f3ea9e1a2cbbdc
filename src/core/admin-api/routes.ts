// The admin API's routes: each operation's method, path and scope, and nothing else. The HTTP edge registers its
// routes from this table and the caller's token is checked against its scope; what each operation accepts,
// answers and does (operations.ts, with its zod schemas) is loaded at the first call or the first request for
// the OpenAPI document, not when the server starts (issue #14).
import { ADMIN_READ, ADMIN_WRITE, type AdminScope } from '../admin/scopes.ts'

export type AdminMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Where an operation of the admin API is served, and the scope its caller needs. */
interface OperationRoute {
  /** The OpenAPI operationId, the `operation` of its security event, and its key in operations.ts. */
  readonly id: string
  readonly method: AdminMethod
  /** OpenAPI path template: `/admin/clients/{client_id}`. */
  readonly path: string
  readonly scope: AdminScope
}

export const ADMIN_ROUTES = [
  { id: 'listClients', method: 'GET', path: '/admin/clients', scope: ADMIN_READ },
  { id: 'createClient', method: 'POST', path: '/admin/clients', scope: ADMIN_WRITE },
  { id: 'getClient', method: 'GET', path: '/admin/clients/{client_id}', scope: ADMIN_READ },
  { id: 'updateClientLogout', method: 'PATCH', path: '/admin/clients/{client_id}', scope: ADMIN_WRITE },
  { id: 'deleteClient', method: 'DELETE', path: '/admin/clients/{client_id}', scope: ADMIN_WRITE },
  { id: 'rotateClientSecret', method: 'POST', path: '/admin/clients/{client_id}/secret', scope: ADMIN_WRITE },
  { id: 'listUsers', method: 'GET', path: '/admin/users', scope: ADMIN_READ },
  { id: 'createUser', method: 'POST', path: '/admin/users', scope: ADMIN_WRITE },
  { id: 'getUser', method: 'GET', path: '/admin/users/{user_id}', scope: ADMIN_READ },
  { id: 'updateUser', method: 'PATCH', path: '/admin/users/{user_id}', scope: ADMIN_WRITE },
  { id: 'deleteUser', method: 'DELETE', path: '/admin/users/{user_id}', scope: ADMIN_WRITE },
  { id: 'setUserPassword', method: 'PUT', path: '/admin/users/{user_id}/password', scope: ADMIN_WRITE },
  { id: 'listUserSessions', method: 'GET', path: '/admin/users/{user_id}/sessions', scope: ADMIN_READ },
  { id: 'endUserSessions', method: 'DELETE', path: '/admin/users/{user_id}/sessions', scope: ADMIN_WRITE },
  { id: 'unlockUser', method: 'POST', path: '/admin/users/{user_id}/unlock', scope: ADMIN_WRITE },
  { id: 'listResources', method: 'GET', path: '/admin/resources', scope: ADMIN_READ },
  { id: 'createResource', method: 'POST', path: '/admin/resources', scope: ADMIN_WRITE },
  { id: 'getResource', method: 'GET', path: '/admin/resources/{resource}', scope: ADMIN_READ },
  { id: 'deleteResource', method: 'DELETE', path: '/admin/resources/{resource}', scope: ADMIN_WRITE },
  { id: 'listGrants', method: 'GET', path: '/admin/grants', scope: ADMIN_READ },
  { id: 'revokeGrant', method: 'POST', path: '/admin/grants/{grant_id}/revoke', scope: ADMIN_WRITE },
  { id: 'listKeys', method: 'GET', path: '/admin/keys', scope: ADMIN_READ },
  { id: 'rotateKeys', method: 'POST', path: '/admin/keys/rotate', scope: ADMIN_WRITE },
] as const satisfies readonly OperationRoute[]

export type AdminRoute = (typeof ADMIN_ROUTES)[number]
/** The id of an operation of the admin API: operations.ts has exactly one implementation for each. */
export type AdminOperationId = AdminRoute['id']
