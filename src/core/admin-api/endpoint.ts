import type { CoreContext } from '../context.ts'
import { OAuthError } from '../errors.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import { adminCaller } from './caller.ts'
import type { AdminInput } from './operations.ts'
import type { AdminRoute } from './routes.ts'

/** An admin API request: what the operation reads, the Authorization header, and where it came from. */
export interface AdminRequest extends AdminInput {
  readonly authorization: string | undefined
  readonly address: string
}

/**
 * One call of the admin API: the caller's token is checked for the operation's scope, then the operation runs.
 * Every call is a security event naming the client and the operation, and so is every refused token; what the
 * operation changes has its own event besides (client_created, grant_revoked, ...). The operations are loaded
 * at the first call that gets past the token check.
 */
export async function callAdminOperation(
  route: AdminRoute,
  request: AdminRequest,
  deps: CoreContext,
): Promise<EndpointResult> {
  const { address } = request
  const caller = await adminCaller(request.authorization, route.scope, deps).catch((error: unknown) => {
    if (error instanceof OAuthError) {
      deps.events.emit({ event: 'admin_api_refused', operation: route.id, reason: error.code, address })
    }
    throw error
  })
  deps.events.emit({ event: 'admin_api_call', clientId: caller.clientId, operation: route.id, address })
  const { ADMIN_OPERATIONS } = await import('./operations.ts')
  return ADMIN_OPERATIONS[route.id].run(request, deps)
}
