import type { ClientAuthInput } from '../client-auth/credentials.ts'
import type { CoreContext } from '../context.ts'
import { withFreshNonce } from '../dpop/nonce.ts'
import { type PresentedToken, proveTokenPossession } from '../dpop/resource-access.ts'
import { ENDPOINT_PATHS } from '../endpoints/metadata.ts'
import { InsufficientScope, InvalidRequest, InvalidToken } from '../errors.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import { jsonResult } from '../results.ts'
import { findAccessTokenAndUser, isActive } from '../tokens/find-token.ts'
import { claimsOf, OPENID_SCOPE, releasedClaims } from './claims.ts'
import { subjectForClientId } from './subject.ts'

/**
 * The one token presented: RFC 6750 §2.1 `Bearer` or RFC 9449 §7.1 `DPoP` in the header (auth-schemes are
 * case-insensitive, RFC 9110 §11.1), or RFC 6750 §2.2 in the body, which is Bearer.
 */
function presentedToken(input: ClientAuthInput): PresentedToken {
  const header = input.authorization?.trim()
  const fromBody = input.params.get('access_token')
  // RFC 6750 §2: a client uses exactly one method to send the token.
  if (header !== undefined && fromBody !== undefined) {
    throw new InvalidRequest('Send the access token in the Authorization header or the body, not both.')
  }
  if (fromBody !== undefined) return { token: fromBody, scheme: 'Bearer' }
  if (header === undefined)
    throw new InvalidToken(
      'An access token is required (Authorization: Bearer or DPoP).',
      true,
      'Bearer',
      true,
    )
  const match = /^(Bearer|DPoP) +(\S+)$/i.exec(header)
  if (!match?.[1] || !match[2]) {
    throw new InvalidToken(
      'The Authorization header is not Bearer or DPoP followed by a token.',
      true,
      'Bearer',
      true,
    )
  }
  return { token: match[2], scheme: match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer' }
}

/**
 * OpenID Connect Core §5.3 UserInfo: the claims about the person an access token was issued for, as its scopes
 * release them (§5.4). Tokens are found as introspection finds them (opaque or JWT, revocation included); only
 * a live token issued to a person under a grant with openid is answered (§5.3.3, RFC 6750 §3.1 otherwise), and
 * a DPoP-bound one only with a proof of its key (RFC 9449 §7).
 */
export async function userinfo(input: ClientAuthInput, deps: CoreContext): Promise<EndpointResult> {
  const presented = presentedToken(input)
  const found = await findAccessTokenAndUser(presented.token, deps)
  const invalid = () =>
    new InvalidToken('The access token is invalid, expired or revoked.', false, presented.scheme)
  if (found === null || !isActive({ kind: 'access_token', record: found.record }, deps.clock.now()))
    throw invalid()
  const { record } = found
  // Client credentials tokens have no grant and speak for no person.
  if (record.grantId === null) throw invalid()
  await proveTokenPossession(
    presented,
    record.dpopJkt,
    {
      dpop: input.dpop,
      method: input.method ?? 'POST',
      url: `${deps.config.issuer}${ENDPOINT_PATHS.userinfo}`,
    },
    deps,
  )
  if (!record.scope.includes(OPENID_SCOPE)) {
    throw new InsufficientScope(
      'UserInfo needs an access token granted the openid scope.',
      OPENID_SCOPE,
      presented.scheme,
    )
  }
  // The user read with the token when the people are the user store's (one statement), else People's answer.
  const person = found.user !== undefined ? found.user : await deps.people.find(record.subject)
  if (person === null) throw invalid()
  const sub = await subjectForClientId(record.clientId, person.id, deps)
  if (sub === null) throw invalid()
  const body = { sub, ...releasedClaims(claimsOf(person), record.scope) }
  return withFreshNonce(jsonResult(body), presented.scheme === 'DPoP', deps)
}
