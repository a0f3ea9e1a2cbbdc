import { authenticateClient } from '../client-auth/authenticate.ts'
import type { ClientAuthInput } from '../client-auth/credentials.ts'
import type { EndpointContext } from '../context.ts'
import { UnauthorizedClient, UnsupportedGrantType } from '../errors.ts'
import { type GrantHandler, parseGrantRequest } from '../grants/grant-handler.ts'
import type { TokenResponse } from '../model/token.ts'
import { required } from '../protocol/params.ts'

export interface TokenEndpointDeps extends EndpointContext {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers differ in input type; dispatch needs none of it.
  readonly grants: ReadonlyMap<string, GrantHandler<any>>
}

/** RFC 6749 §3.2: authenticate the client, pick the grant by grant_type, let it issue. */
export async function handleTokenRequest(
  input: ClientAuthInput,
  deps: TokenEndpointDeps,
): Promise<TokenResponse> {
  const client = await authenticateClient(input, deps)
  const grantType = required(input.params, 'grant_type')
  const handler = deps.grants.get(grantType)
  if (!handler) throw new UnsupportedGrantType('This grant_type is not supported.')
  // RFC 6749 §5.2 unauthorized_client; legacy grants also need the operator's explicit opt-in (RFC 9700 §2.4).
  if (
    !client.grantTypes.includes(grantType) ||
    (handler.legacy && !client.legacyFlows.includes(handler.legacy))
  ) {
    throw new UnauthorizedClient(`This client is not allowed to use the ${grantType} grant.`)
  }
  return handler.issue(parseGrantRequest(handler, input.params), { ...deps, client, address: input.address })
}

/** RFC 6749 §5.1: the JSON body of a successful token response. */
export function tokenResponseBody(response: TokenResponse): Record<string, string | number> {
  return {
    access_token: response.accessToken,
    token_type: response.tokenType,
    expires_in: response.expiresIn,
    scope: response.scope.join(' '),
    ...(response.refreshToken === undefined ? {} : { refresh_token: response.refreshToken }),
  }
}
