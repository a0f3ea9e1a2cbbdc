import { authenticateClient } from '../client-auth/authenticate.ts'
import type { ClientAuthInput } from '../client-auth/credentials.ts'
import type { CoreContext } from '../context.ts'
import { tokenTypeFor } from '../dpop/binding.ts'
import { AccessDenied } from '../errors.ts'
import { required } from '../protocol/params.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import { formatScope } from '../protocol/scope.ts'
import { jsonResult } from '../results.ts'
import { subjectForClientId } from '../oidc/subject.ts'
import { findToken, isActive } from '../tokens/find-token.ts'

/** RFC 7662 §2.2: an inactive token says nothing more than that. */
const INACTIVE = { active: false } as const

/**
 * RFC 7662 §2.1: only resource servers registered for it may introspect (§4: otherwise the endpoint would let
 * anyone probe tokens). A client not allowed gets 403, one that fails authentication 401 (§2.3).
 */
export async function introspectToken(input: ClientAuthInput, deps: CoreContext): Promise<EndpointResult> {
  return jsonResult(await introspection(input, deps))
}

async function introspection(input: ClientAuthInput, deps: CoreContext): Promise<Record<string, unknown>> {
  const client = await authenticateClient(input, deps)
  if (!client.canIntrospect)
    throw new AccessDenied('This client is not allowed to introspect tokens.').withStatus(403)
  const token = required(input.params, 'token')
  const found = await findToken(token, deps)
  if (found === null || !isActive(found, deps.clock.now())) return INACTIVE
  const { record } = found
  const localSubject = found.kind === 'access_token' ? found.record.subject : found.record.userId
  // OpenID Connect Core §8.1: a person's tokens name them as their client sees them, pairwise or public; a
  // client credentials token's subject is the client itself.
  const personal = found.kind === 'refresh_token' || found.record.grantId !== null
  const subject = personal ? await subjectForClientId(record.clientId, localSubject, deps) : localSubject
  if (subject === null) return INACTIVE
  return {
    active: true,
    scope: formatScope(record.scope),
    client_id: record.clientId,
    sub: subject,
    ...(found.kind === 'access_token' ? { aud: found.record.audience } : {}),
    iss: deps.config.issuer,
    exp: Math.floor(record.expiresAt.getTime() / 1000),
    iat: Math.floor(
      (found.kind === 'access_token' ? found.record.issuedAt : found.record.createdAt).getTime() / 1000,
    ),
    // A refresh token must never pass for an access token, so its type is neither Bearer nor DPoP.
    token_type: found.kind === 'access_token' ? tokenTypeFor(found.record.dpopJkt) : 'refresh_token',
    ...(found.kind === 'access_token' && found.record.format === 'jwt' ? { jti: found.record.key } : {}),
    // RFC 9449 §6.2: a bound access token's key thumbprint, which the resource server matches to the proof.
    ...(found.kind === 'access_token' && found.record.dpopJkt !== null
      ? { cnf: { jkt: found.record.dpopJkt } }
      : {}),
  }
}
