import type { AdminScope } from '../admin/scopes.ts'
import { defaultAudience } from '../config.ts'
import type { CoreContext } from '../context.ts'
import { InsufficientScope, InvalidToken } from '../errors.ts'
import { bearerHeaderToken } from '../protocol/bearer.ts'
import { findToken, isActive } from '../tokens/find-token.ts'

/** Who calls the admin API: the client an accepted token was issued to. */
export interface AdminCaller {
  readonly clientId: string
}

/**
 * The client behind an admin API request. RFC 6750 §2.1: a Bearer token in the header, found as introspection
 * finds tokens (opaque or JWT, revocation included), live, issued by client_credentials (a client acting for
 * itself, no person), for the server's own audience (not a registered resource's), carrying `scope`, and issued
 * to a client that still exists and still holds that scope: deleting the admin client ends its tokens at once,
 * JWTs included. RFC 6750 §3.1: invalid_token (401) or insufficient_scope (403), with the Bearer challenge.
 */
export async function adminCaller(
  authorization: string | undefined,
  scope: AdminScope,
  deps: Pick<CoreContext, 'config' | 'stores' | 'clock' | 'keys'>,
): Promise<AdminCaller> {
  const token = bearerHeaderToken(authorization)
  const found = await findToken(token, deps)
  if (found === null || found.kind !== 'access_token' || !isActive(found, deps.clock.now())) {
    throw new InvalidToken('The access token is invalid, expired or revoked.')
  }
  const { record } = found
  // RFC 9449 §7.1: a key-bound token needs a proof, which the admin API does not take: admin clients use Bearer.
  if (record.dpopJkt !== null)
    throw new InvalidToken('The admin API takes Bearer tokens, not DPoP-bound ones.')
  if (record.grantId !== null || record.subject !== record.clientId) {
    throw new InvalidToken("The admin API takes a client's own token (client_credentials), not a person's.")
  }
  const audience = defaultAudience(deps.config)
  if (!record.audience.includes(audience)) {
    throw new InvalidToken(
      `The access token is for another audience: the admin API takes tokens for ${audience}.`,
    )
  }
  const client = await deps.stores.clients.get(record.clientId)
  if (client === null) throw new InvalidToken('The client of this access token no longer exists.')
  if (!record.scope.includes(scope) || !client.scopes.includes(scope)) {
    throw new InsufficientScope(`This operation needs an access token with the ${scope} scope.`, scope)
  }
  return { clientId: client.id }
}
