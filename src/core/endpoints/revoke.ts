import { authenticateClient } from '../client-auth/authenticate.ts'
import type { ClientAuthInput } from '../client-auth/credentials.ts'
import type { CoreContext } from '../context.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import { required } from '../protocol/params.ts'
import { findToken } from '../tokens/find-token.ts'

/**
 * RFC 7009 §2.1. The answer is the same 200 whether or not anything was revoked (§2.2): an unknown token, or one
 * issued to another client, is left alone without saying so. token_type_hint is only a hint: tokens are
 * recognised by their form, so it is not needed.
 */
export async function revokeToken(input: ClientAuthInput, deps: CoreContext): Promise<EndpointResult> {
  await revoke(input, deps)
  // RFC 7009 §2.2: 200 with an empty body, whatever happened to the token.
  return { kind: 'empty', status: 200 }
}

async function revoke(input: ClientAuthInput, deps: CoreContext): Promise<void> {
  const client = await authenticateClient(input, deps)
  const token = required(input.params, 'token')
  const found = await findToken(token, deps)
  // RFC 7009 §2.1: the token was issued to the client making the request.
  if (found === null || found.record.clientId !== client.id) return
  const now = deps.clock.now()
  if (found.kind === 'refresh_token') {
    // RFC 7009 §2.1 allows it, and a refresh token stands for its grant: revoking it ends the grant.
    await deps.stores.grants.revoke(found.record.grantId, now, 'client_revoked')
    return
  }
  if (found.record.revokedAt === null) await deps.stores.tokens.revokeAccessToken(found.record, now)
}
