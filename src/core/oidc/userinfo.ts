import type { ClientAuthInput } from '../client-auth/credentials.ts'
import type { CoreContext } from '../context.ts'
import { InsufficientScope, InvalidRequest, InvalidToken } from '../errors.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import { bearerHeaderToken } from '../protocol/bearer.ts'
import { jsonResult } from '../results.ts'
import { findToken, isActive } from '../tokens/find-token.ts'
import { OPENID_SCOPE, releasedClaims } from './claims.ts'

/** RFC 6750 §2.1 (the auth-scheme is case-insensitive, RFC 9110 §11.1) or §2.2: the one token presented. */
function bearerToken(input: ClientAuthInput): string {
  const header = input.authorization?.trim()
  const fromBody = input.params.get('access_token')
  // RFC 6750 §2: a client uses exactly one method to send the token.
  if (header !== undefined && fromBody !== undefined) {
    throw new InvalidRequest('Send the access token in the Authorization header or the body, not both.')
  }
  if (fromBody !== undefined) return fromBody
  return bearerHeaderToken(header)
}

/**
 * OpenID Connect Core §5.3 UserInfo: the claims about the person an access token was issued for, as its scopes
 * release them (§5.4). Tokens are found as introspection finds them (opaque or JWT, revocation included); only
 * a live token issued to a person under a grant with openid is answered (§5.3.3, RFC 6750 §3.1 otherwise).
 */
export async function userinfo(input: ClientAuthInput, deps: CoreContext): Promise<EndpointResult> {
  const found = await findToken(bearerToken(input), deps)
  const invalid = () => new InvalidToken('The access token is invalid, expired or revoked.')
  if (found === null || found.kind !== 'access_token' || !isActive(found, deps.clock.now())) throw invalid()
  const { record } = found
  // Client credentials tokens have no grant and speak for no person.
  if (record.grantId === null) throw invalid()
  if (!record.scope.includes(OPENID_SCOPE)) {
    throw new InsufficientScope('UserInfo needs an access token granted the openid scope.', OPENID_SCOPE)
  }
  const person = await deps.people.find(record.subject)
  if (person === null) throw invalid()
  // The username is the preferred_username of a person who set none: what the profile scope promises.
  const claims = { preferred_username: person.username, ...person.claims }
  return jsonResult({ sub: person.id, ...releasedClaims(claims, record.scope) })
}
