import { authenticateClient } from '../client-auth/authenticate.ts'
import type { ClientAuthInput } from '../client-auth/credentials.ts'
import type { CoreContext } from '../context.ts'
import { withFreshNonce } from '../dpop/nonce.ts'
import { tokenRequestKey } from '../dpop/token-request.ts'
import { UnauthorizedClient, UnsupportedGrantType } from '../errors.ts'
import { parseGrantRequest } from '../grants/grant-handler.ts'
import { grantRegistry } from '../grants/index.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import type { TokenResponse } from '../model/token.ts'
import { mintIdToken } from '../oidc/id-token.ts'
import { required } from '../protocol/params.ts'
import { jsonResult } from '../results.ts'

/** RFC 6749 §3.2: authenticate the client, pick the grant by grant_type, let it issue (§5.1: JSON, no-store). */
export async function tokenRequest(input: ClientAuthInput, deps: CoreContext): Promise<EndpointResult> {
  const client = await authenticateClient(input, deps)
  const grantType = required(input.params, 'grant_type')
  const handler = grantRegistry.get(grantType)
  if (!handler) throw new UnsupportedGrantType('This grant_type is not supported.')
  // RFC 6749 §5.2 unauthorized_client; legacy grants also need the operator's explicit opt-in (RFC 9700 §2.4).
  if (
    !client.grantTypes.includes(grantType) ||
    (handler.legacy && !client.legacyFlows.includes(handler.legacy))
  ) {
    throw new UnauthorizedClient(`This client is not allowed to use the ${grantType} grant.`)
  }
  const grantInput = parseGrantRequest(handler, input.params)
  const dpopJkt = await tokenRequestKey(input.dpop, client, deps)
  const issued = await handler.issue(grantInput, { ...deps, client, address: input.address, dpopJkt })
  // A client that registered itself is kept once it has used its registration (unused ones expire).
  if (client.dynamicRegistration?.firstUsedAt === null) {
    await deps.stores.clients.recordFirstUse(client.id, deps.clock.now())
  }
  // Signed after the grant's transaction: the first ID token may have to store the RS256 key (signing-keys.ts).
  const { authentication, accessToken, expiresIn, scope } = issued
  const idToken =
    authentication === undefined
      ? undefined
      : await mintIdToken({ client, authentication, scope, accessToken, expiresIn }, deps)
  return withFreshNonce(jsonResult(tokenResponseBody(issued, idToken)), dpopJkt !== null, deps)
}

/** RFC 6749 §5.1 (with OpenID Connect Core §3.1.3.3 id_token): the JSON body of a successful token response. */
function tokenResponseBody(
  response: TokenResponse,
  idToken: string | undefined,
): Record<string, string | number> {
  return {
    access_token: response.accessToken,
    token_type: response.tokenType,
    expires_in: response.expiresIn,
    scope: response.scope.join(' '),
    ...(response.refreshToken === undefined ? {} : { refresh_token: response.refreshToken }),
    ...(idToken === undefined ? {} : { id_token: idToken }),
  }
}
