import type { CoreContext } from '../context.ts'
import { OAuthError } from '../errors.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import { adminCaller } from './caller.ts'
import type { AdminInput, AdminOperation } from './operations.ts'

/** An admin API request: what the operation reads, the Authorization header, and where it came from. */
export interface AdminRequest extends AdminInput {
  readonly authorization: string | undefined
  readonly address: string
}

/**
 * One call of the admin API: the caller's token is checked for the operation's scope, then the operation runs.
 * Every call is a security event naming the client and the operation, and so is every refused token; what the
 * operation changes has its own event besides (client_created, grant_revoked, ...).
 */
export async function callAdminOperation(
  operation: AdminOperation,
  request: AdminRequest,
  deps: CoreContext,
): Promise<EndpointResult> {
  const { address } = request
  const caller = await adminCaller(request.authorization, operation.scope, deps).catch((error: unknown) => {
    if (error instanceof OAuthError) {
      deps.events.emit({ event: 'admin_api_refused', operation: operation.id, reason: error.code, address })
    }
    throw error
  })
  deps.events.emit({ event: 'admin_api_call', clientId: caller.clientId, operation: operation.id, address })
  return operation.run(request, deps)
}
