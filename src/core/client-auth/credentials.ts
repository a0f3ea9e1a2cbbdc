import { InvalidClient, InvalidRequest } from '../errors.ts'

/** What a request presented to identify its client, before any lookup. */
export type PresentedCredentials =
  | { readonly method: 'client_secret_basic'; readonly clientId: string; readonly secret: string }
  | { readonly method: 'client_secret_post'; readonly clientId: string; readonly secret: string }
  | { readonly method: 'none'; readonly clientId: string }
  /** RFC 7523 §2.2: a JWT the client signed with its private key, checked against its registered keys. */
  | { readonly method: 'private_key_jwt'; readonly clientId: string; readonly assertion: string }
  /** OpenID Connect Core §9: a JWT the client HMAC-signed with its secret. */
  | { readonly method: 'client_secret_jwt'; readonly clientId: string; readonly assertion: string }

/** RFC 7523 §2.2: the one client_assertion_type this server takes. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

export interface ClientAuthInput {
  readonly params: ReadonlyMap<string, string>
  /** The raw Authorization header, if any. */
  readonly authorization: string | undefined
  /** The address the request came from (the first untrusted hop), for throttling and security events. */
  readonly address: string
  /** RFC 9449 §4.1: the DPoP header (several are joined with a comma, which no proof contains), if any. */
  readonly dpop?: string | undefined
  /** The HTTP method, which a DPoP proof names (htm); POST where absent. */
  readonly method?: string
}

/** RFC 6749 §2.3.1 / Appendix B: id and secret are form-urlencoded before they are joined and base64-encoded. */
function formDecode(value: string): string {
  // Without '%' or '+' a value is its own decoding: generated ids and secrets never need any.
  if (!/[%+]/.test(value)) return value
  return decodeURIComponent(value.replace(/\+/g, ' '))
}

function parseBasic(header: string): { clientId: string; secret: string } {
  const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim())
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : ''
  const colon = decoded.indexOf(':')
  if (colon < 1) throw new InvalidClient('The Basic authorization header is malformed.', true)
  let credentials: { clientId: string; secret: string }
  try {
    credentials = {
      clientId: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    }
  } catch {
    throw new InvalidClient('The Basic credentials are not form-urlencoded (RFC 6749 §2.3.1).', true)
  }
  // The same rule as for every form parameter (readParameters): a NUL is bad input, not an unknown client.
  if (credentials.clientId.includes('\0') || credentials.secret.includes('\0'))
    throw new InvalidRequest('The Basic credentials contain a NUL character.')
  return credentials
}

/**
 * Works out which authentication method a request used. RFC 6749 §2.3: a client must not use more than one
 * method in a request.
 */
export async function presentedCredentials(input: ClientAuthInput): Promise<PresentedCredentials> {
  const { params, authorization } = input
  const bodySecret = params.get('client_secret')
  const bodyId = params.get('client_id')
  if (params.has('client_assertion') || params.has('client_assertion_type')) {
    if (
      bodySecret !== undefined ||
      (authorization !== undefined && /^basic(?:\s|$)/i.test(authorization.trim()))
    ) {
      throw new InvalidRequest(
        'Use one client authentication method: a client assertion, Basic or client_secret.',
      )
    }
    return assertionCredentials(params.get('client_assertion'), params.get('client_assertion_type'), bodyId)
  }
  // RFC 6749 §5.2: a Basic header with no credentials after the scheme is still an attempt at Basic.
  if (authorization !== undefined && /^basic(?:\s|$)/i.test(authorization.trim())) {
    if (bodySecret !== undefined) {
      throw new InvalidRequest('Use one client authentication method: Basic or client_secret, not both.')
    }
    const basic = parseBasic(authorization)
    // RFC 6749 §2.3.1: a client_id in the body, if any, must name the same client.
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new InvalidRequest('The client_id parameter does not match the authenticated client.')
    }
    return { method: 'client_secret_basic', ...basic }
  }
  if (bodyId === undefined) {
    throw new InvalidClient('Client authentication is required: use HTTP Basic, or send client_id.')
  }
  if (bodySecret !== undefined) return { method: 'client_secret_post', clientId: bodyId, secret: bodySecret }
  return { method: 'none', clientId: bodyId }
}

/** RFC 7521 §4.2 and RFC 7523 §2.2: the client is the assertion's subject, which client_id, if sent, must name. */
async function assertionCredentials(
  assertion: string | undefined,
  type: string | undefined,
  bodyId: string | undefined,
): Promise<PresentedCredentials> {
  if (assertion === undefined || type === undefined) {
    throw new InvalidRequest('client_assertion and client_assertion_type go together (RFC 7521 §4.2).')
  }
  if (type !== JWT_BEARER_ASSERTION) {
    throw new InvalidClient(`The client_assertion_type must be ${JWT_BEARER_ASSERTION}.`)
  }
  // jose is loaded at the first client assertion, not at start: its modules cost every `keyward start` time and
  // memory (issue #14), and most servers never see an assertion.
  const { decodeJwt, decodeProtectedHeader } = await import('jose')
  let subject: unknown
  let algorithm: unknown
  try {
    subject = decodeJwt(assertion).sub
    algorithm = decodeProtectedHeader(assertion).alg
  } catch {
    throw new InvalidClient('The client_assertion is not a JWT.')
  }
  if (typeof subject !== 'string' || subject === '') {
    throw new InvalidClient('The client_assertion names no client in sub (RFC 7523 §3).')
  }
  if (bodyId !== undefined && bodyId !== subject) {
    throw new InvalidRequest('The client_id parameter does not match the client of the assertion.')
  }
  // OpenID Connect Core §9: an HMAC (RFC 7518 §3.2) is signed with the client's secret, anything else with a key.
  const method =
    typeof algorithm === 'string' && /^HS/.test(algorithm) ? 'client_secret_jwt' : 'private_key_jwt'
  return { method, clientId: subject, assertion }
}
