import { verifyWithClientKeys } from '../client-auth/private-key-jwt.ts'
import type { CoreContext } from '../context.ts'
import { InvalidRequest, InvalidRequestObject } from '../errors.ts'
import type { Client } from '../model/client.ts'
import { formatResources } from '../resources/identifier.ts'

/**
 * FAPI 2.0 Message Signing §5.3.2: a request object lives at most 60 minutes (exp - nbf), and expires at most that
 * far ahead of now when it has no nbf.
 */
const MAX_REQUEST_OBJECT_LIFETIME_SECONDS = 60 * 60

/**
 * RFC 9101 §10.8: `oauth-authz-req+jwt` types a request object explicitly. Clients written before RFC 9101 send
 * no `typ` or the generic `JWT`, and §10.8 notes that requiring the type would break them, so those are accepted;
 * a JWT typed as anything else (an access token, a logout token, a DPoP proof) is another kind of JWT, refused.
 */
const ACCEPTED_TYPES = [undefined, 'oauth-authz-req+jwt', 'application/oauth-authz-req+jwt', 'jwt']

/** JWT claims of the request object itself (RFC 7519 §4.1), which are no authorization request parameters. */
const JWT_CLAIMS = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sub'])

/** Where the request object is read: as it arrives (its jti is used), or again in the forms of the pages after. */
export type RequestObjectArrival = 'redirect' | 'form'

/**
 * How long past its exp a request object stays usable by the sign-in and consent forms that follow its arrival:
 * exp bounds how long the client takes to send the browser, not how long a person takes to sign in.
 */
export const REQUEST_OBJECT_INTERACTION_SECONDS = 600

export type RequestObjectDeps = Pick<CoreContext, 'config' | 'clock' | 'replay' | 'fetch'>

/**
 * RFC 9101 §5 and §6: the parameters of an authorization request that carries a request object by value (the
 * `request` parameter): the object is verified with the client's registered keys and only the parameters inside
 * it are used. A request without one is answered as sent, unless the client must sign its requests (RFC 9101
 * §10.5 require_signed_request_object).
 */
export async function requestObjectParameters(
  params: ReadonlyMap<string, string>,
  client: Client,
  arrival: RequestObjectArrival,
  deps: RequestObjectDeps,
): Promise<ReadonlyMap<string, string>> {
  const requestObject = params.get('request')
  if (requestObject === undefined) {
    // RFC 9101 §10.5: such a client's authorization requests without a request object are refused.
    if (client.requireSignedRequestObject) {
      throw new InvalidRequest(
        'This application must send its authorization requests as signed request objects.',
      )
    }
    return params
  }
  // OpenID Connect Core §6: request and request_uri are never used in the same request.
  if (params.has('request_uri')) throw new InvalidRequest('Send request or request_uri, not both.')
  const claims = await verifiedRequestObject(requestObject, client, arrival, deps)
  // RFC 9101 §5: client_id beside the object, and response_type when a client also sends it there (OpenID Connect
  // Core §6.1), must be those inside.
  for (const name of ['client_id', 'response_type']) {
    const outer = params.get(name)
    if (outer !== undefined && claims.get(name) !== undefined && outer !== claims.get(name)) {
      throw new InvalidRequestObject(`The ${name} beside the request object differs from the one inside it.`)
    }
  }
  return new Map([...claims, ['client_id', client.id]])
}

/** RFC 9101 §6.3: the request object's parameters, once its signature and claims are acceptable. */
async function verifiedRequestObject(
  jwt: string,
  client: Client,
  arrival: RequestObjectArrival,
  deps: RequestObjectDeps,
): Promise<ReadonlyMap<string, string>> {
  const failed = (why: string, cause?: unknown) =>
    new InvalidRequestObject(`The request object is not valid: ${why}`, { cause })
  let type: string | undefined
  try {
    if (jwt.split('.').length === 5) throw failed('encrypted request objects are not supported; sign it.')
    // jose is loaded at the first request object, not at start (issue #14).
    type = (await import('jose')).decodeProtectedHeader(jwt).typ
  } catch (error) {
    if (error instanceof InvalidRequestObject) throw error
    throw failed('it is not a JWT.', error)
  }
  if (!ACCEPTED_TYPES.includes(type?.toLowerCase())) {
    throw failed(`its typ is ${String(type)}; a request object's is oauth-authz-req+jwt (RFC 9101 §10.8).`)
  }
  const payload = await verifyWithClientKeys(
    jwt,
    client,
    {
      // RFC 9101 §6.1 and §10.2: signed by the client, for this authorization server.
      issuer: client.id,
      audience: deps.config.issuer,
      requiredClaims: ['exp'],
      ...(arrival === 'form' ? { clockTolerance: REQUEST_OBJECT_INTERACTION_SECONDS } : {}),
    },
    failed,
    deps,
  )
  const now = deps.clock.now().getTime() / 1000
  const exp = payload.exp ?? 0
  // FAPI 2.0 Message Signing §5.3.2: at most 60 minutes between nbf and exp.
  if (exp - (payload.nbf ?? now) > MAX_REQUEST_OBJECT_LIFETIME_SECONDS) {
    throw failed(`it must expire within ${MAX_REQUEST_OBJECT_LIFETIME_SECONDS / 60} minutes of its nbf.`)
  }
  // RFC 9101 §5: the client_id inside names the client the request is for.
  if (payload.client_id !== undefined && payload.client_id !== client.id) {
    throw failed('its client_id claim is not the client that sent it.')
  }
  // RFC 9101 §4: a request object holds the request, never a reference to another.
  if (payload.request !== undefined || payload.request_uri !== undefined) {
    throw failed('it cannot contain request or request_uri.')
  }
  // RFC 9101 §10.3 leaves replay protection to the server: a jti, when the client sends one, is used once.
  if (payload.jti !== undefined && arrival === 'redirect') {
    const ttl = exp - now + REQUEST_OBJECT_INTERACTION_SECONDS
    if (!(await deps.replay.claimOnce(`request-object:${client.id}:${String(payload.jti)}`, ttl))) {
      throw failed('its jti was used already.')
    }
  }
  return parametersOf(payload, failed)
}

/** The claims of a request object as the parameters they stand for (RFC 9101 §4: JSON values of the same names). */
function parametersOf(
  payload: Readonly<Record<string, unknown>>,
  failed: (why: string) => InvalidRequestObject,
): ReadonlyMap<string, string> {
  const params = new Map<string, string>()
  for (const [name, value] of Object.entries(payload)) {
    if (JWT_CLAIMS.has(name)) continue
    if (typeof value === 'string') params.set(name, value)
    else if (typeof value === 'number' || typeof value === 'boolean') params.set(name, String(value))
    // RFC 8707 §2 in a JSON request: resource may be an array of URIs.
    else if (name === 'resource' && Array.isArray(value) && value.every((entry) => typeof entry === 'string'))
      params.set(name, formatResources(value))
    // OpenID Connect Core §5.5: the claims request is a JSON object, passed on as the parameter's JSON text.
    else if (typeof value === 'object' && value !== null && !Array.isArray(value))
      params.set(name, JSON.stringify(value))
    else throw failed(`its ${name} claim is not a value an authorization request parameter takes.`)
  }
  return params
}
