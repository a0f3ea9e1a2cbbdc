import { validateAuthorizationRequest } from '../authorize/request.ts'
import { requestObjectParameters } from '../authorize/request-object.ts'
import { authenticateClient } from '../client-auth/authenticate.ts'
import type { ClientAuthInput } from '../client-auth/credentials.ts'
import type { CoreContext } from '../context.ts'
import { InvalidRequest } from '../errors.ts'
import type { EndpointResult } from '../model/endpoint-result.ts'
import { pushedParameters, storePushedRequest } from '../par/pushed-requests.ts'
import { profileOf } from '../profiles/index.ts'
import { decideTarget } from '../resources/audience.ts'
import { errorResult, jsonResult } from '../results.ts'

/**
 * RFC 9126 §2: the client authenticates as at the token endpoint and pushes an authorization request, validated
 * as /authorize validates it (one validator); it gets a request_uri to send the browser with, used once.
 * Errors are JSON (§2.3): 400 with the authorization endpoint's codes, 401 invalid_client.
 */
export async function pushAuthorizationRequest(
  input: ClientAuthInput,
  deps: CoreContext,
): Promise<EndpointResult> {
  // RFC 9126 §2.1: client authentication exactly as at the token endpoint, public clients naming themselves.
  const client = await authenticateClient(input, deps)
  const sent = pushedParameters(input.params)
  // RFC 9126 §2.1: a pushed request cannot itself refer to another.
  if (sent.request_uri !== undefined) {
    throw new InvalidRequest('request_uri cannot be pushed: push the authorization request itself.')
  }
  // RFC 9126 §3: a pushed request object is verified here, and its parameters are what is kept.
  const parameters = Object.fromEntries(
    await requestObjectParameters(new Map(Object.entries(sent)), client, 'redirect', deps),
  )
  // RFC 9126 §2.1: client_id is required, and names the client that authenticated.
  if (parameters.client_id !== client.id) {
    throw new InvalidRequest(
      parameters.client_id === undefined
        ? 'The client_id parameter is required.'
        : 'client_id does not name the authenticated client.',
    )
  }
  const validation = await validateAuthorizationRequest(
    new Map(Object.entries(parameters)),
    async () => client,
    (requested, found, scope) => decideTarget({ requested, client: found, scope }, deps),
  )
  // RFC 9126 §2.3: what /authorize would redirect or show as an error is answered here, to the client.
  if (validation.kind !== 'valid') return errorResult(validation.error)
  const profile = profileOf(client)
  if (profile?.pushedRedirectUriRequired === true && parameters.redirect_uri === undefined) {
    // FAPI 2.0 Security Profile §5.3.2.2: the pushed request names its redirect_uri.
    throw new InvalidRequest(`The ${profile.title} requires redirect_uri in the pushed request.`)
  }
  const pushed = await storePushedRequest(client, parameters, deps)
  // RFC 9126 §2.2: 201 Created with request_uri and expires_in.
  return jsonResult({ request_uri: pushed.requestUri, expires_in: pushed.expiresIn }, 201)
}
