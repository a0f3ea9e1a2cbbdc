import type { ClientLookup } from '../client-auth/authenticate.ts'
import {
  InvalidRequest,
  OAuthError,
  RegistrationNotSupported,
  RequestUriNotSupported,
  UnauthorizedClient,
  UnsupportedResponseType,
} from '../errors.ts'
import type { Client } from '../model/client.ts'
import { isValidS256Challenge } from '../protocol/pkce.ts'
import { matchesRegisteredRedirectUri, soleRedirectUri } from '../protocol/redirect-uri.ts'
import { parseScope, resolveScope } from '../protocol/scope.ts'
import { checkScopeFitsTarget, type Target } from '../resources/audience.ts'
import { parseResources } from '../resources/identifier.ts'
import { type ClaimsRequest, parseClaimsRequest } from '../oidc/claims-request.ts'
import { OPENID_SCOPE } from '../oidc/claims.ts'

/**
 * OpenID Connect Core §3.1.2.1 prompt values. select_account is taken as login: a browser holds one session, so
 * choosing an account is signing in again, possibly as someone else.
 */
export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'] as const
export type Prompt = (typeof PROMPT_VALUES)[number]
/**
 * The response types Keyward answers: a code, or, for a client an operator enabled the legacy implicit flow for,
 * an access token (RFC 6749 §4.2) and/or an ID token (OpenID Connect Core §3.2). Hybrid ones (a code with
 * either) are not offered.
 */
export const RESPONSE_TYPES = ['code', 'token', 'id_token', 'id_token token'] as const
export type ResponseType = (typeof RESPONSE_TYPES)[number]
/** The implicit response types that carry an ID token (OpenID Connect Core §3.2.2.1). */
export const returnsIdToken = (type: ResponseType) => type === 'id_token' || type === 'id_token token'
/**
 * How the response reaches the client: in the redirect's query (code) or fragment (token), the defaults of OAuth
 * 2.0 Multiple Response Type Encoding Practices §2.1, or posted by the browser (OAuth 2.0 Form Post Response Mode).
 */
export type ResponseMode = 'query' | 'fragment' | 'form_post'

/** Where a response or an error goes back to the client. */
export interface ResponseTarget {
  readonly redirectUri: string
  readonly responseMode: ResponseMode
  readonly state: string | null
}

/** A validated authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3). */
export interface AuthorizationRequest {
  readonly client: Client
  readonly responseType: ResponseType
  readonly responseMode: ResponseMode
  readonly redirectUri: string
  readonly scope: readonly string[]
  /** Whom the tokens will be for (RFC 8707): the resources named, else the client's defaults, else the server. */
  readonly target: Target
  readonly state: string | null
  /** S256 challenge; null only for the implicit flow, which has no code to bind it to. */
  readonly codeChallenge: string | null
  readonly prompt: ReadonlySet<Prompt>
  /** OpenID Connect Core §3.1.2.1: a value the client binds its session to, returned in the ID token. */
  readonly nonce: string | null
  /** OpenID Connect Core §3.1.2.1: seconds since the person last entered their password, at most; else sign in. */
  readonly maxAge: number | null
  /** OpenID Connect Core §3.1.2.1: who the client thinks will sign in; it fills in the username. */
  readonly loginHint: string | null
  /** RFC 9449 §10: the thumbprint of the DPoP key the code is bound to; its redemption must prove that key. */
  readonly dpopJkt: string | null
  /** OpenID Connect Core §5.5: what the `claims` parameter asked for; null without one. */
  readonly claims: ClaimsRequest | null
}

/** Where an error goes: back to the client when its redirect URI is known good, else onto a page. */
export type AuthorizationRequestResult =
  | { readonly kind: 'valid'; readonly request: AuthorizationRequest }
  /** RFC 6749 §4.1.2.1: unknown client or bad redirect URI: tell the person, never redirect. */
  | { readonly kind: 'show-error'; readonly error: OAuthError; readonly client?: Client }
  | ({ readonly kind: 'redirect-error'; readonly error: OAuthError } & ResponseTarget)

/** The parameters an authorization request carries; login and consent forms send exactly these back. */
export const AUTHORIZATION_PARAMETERS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'response_mode',
  'nonce',
  'max_age',
  'login_hint',
  // RFC 9126 §4: a pushed request's reference, resolved before validation (src/core/par/).
  'request_uri',
  // RFC 9101 §5: a request object by value, unpacked before validation (request-object.ts).
  'request',
  // RFC 8707 §2
  'resource',
  'dpop_jkt',
  // OpenID Connect Core §5.5
  'claims',
  // OpenID Connect Core §3.1.2.1: the person the client expects, checked against the session (decide.ts).
  'id_token_hint',
  // OpenID Connect Core §3.1.2.1, accepted without effect: the pages speak one language, and Keyward knows one
  // authentication class, which the ID token's acr states (voluntary acr_values are answered with it, acr.ts).
  'ui_locales',
  'claims_locales',
  'acr_values',
] as const

/** The target of a request's `resource` values for a client: decideTarget (src/core/resources/audience.ts). */
export type TargetLookup = (
  requested: readonly string[],
  client: Client,
  scope: readonly string[],
) => Promise<Target>

export async function validateAuthorizationRequest(
  params: ReadonlyMap<string, string>,
  findClient: ClientLookup,
  targetOf: TargetLookup,
): Promise<AuthorizationRequestResult> {
  const clientId = params.get('client_id')
  if (clientId === undefined) {
    return { kind: 'show-error', error: new InvalidRequest('The link is missing the client_id parameter.') }
  }
  let client: Client | null
  try {
    client = clientId.length <= 255 ? await findClient(clientId) : null
  } catch (error) {
    // A client whose metadata document cannot be used: a page, never a redirect to a URI nobody vouched for.
    if (error instanceof OAuthError) return { kind: 'show-error', error }
    throw error
  }
  if (client === null) {
    return {
      kind: 'show-error',
      error: new InvalidRequest('The application that sent you here is not registered.'),
    }
  }
  const requestedRedirect = params.get('redirect_uri')
  const redirectUri = requestedRedirect ?? soleRedirectUri(client.redirectUris)
  if (redirectUri === undefined) {
    return {
      kind: 'show-error',
      error: new InvalidRequest('The link is missing the redirect_uri parameter.'),
    }
  }
  if (!matchesRegisteredRedirectUri(redirectUri, client.redirectUris)) {
    return {
      kind: 'show-error',
      error: new InvalidRequest('The redirect_uri is not registered for this application.'),
      client,
    }
  }

  const state = params.get('state') ?? null
  // An error goes back the way the client asked, if that way is one Keyward answers in: form_post, or the default
  // of the response type it sent (Multiple Response Type Encoding Practices §5: the fragment for any with a token).
  const requestedMode = params.get('response_mode')
  const sentTypes = (params.get('response_type') ?? '').split(' ')
  const responseMode =
    requestedMode === 'form_post'
      ? 'form_post'
      : sentTypes.includes('token') || sentTypes.includes('id_token')
        ? 'fragment'
        : 'query'
  const fail = (error: OAuthError): AuthorizationRequestResult => ({
    kind: 'redirect-error',
    error,
    redirectUri,
    state,
    responseMode,
  })
  try {
    const request = checkRequest(params, client, redirectUri, state)
    // RFC 8707 §2: an unknown resource or a bad URI is invalid_target, sent back like any other error.
    const target = await targetOf(parseResources(params.get('resource')), client, request.scope)
    checkScopeFitsTarget(request.scope, target)
    return { kind: 'valid', request: { ...request, target } }
  } catch (error) {
    if (error instanceof OAuthError) return fail(error)
    throw error
  }
}

function checkRequest(
  params: ReadonlyMap<string, string>,
  client: Client,
  redirectUri: string,
  state: string | null,
): Omit<AuthorizationRequest, 'target'> {
  if (params.has('request_uri'))
    throw new RequestUriNotSupported('The request_uri parameter is not supported.')
  // OpenID Connect Core §3.1.2.6: a parameter with a defined error is refused with it, never ignored.
  if (params.has('registration')) {
    throw new RegistrationNotSupported(
      'The registration parameter is not supported: register the client beforehand (RFC 7591 or the operator).',
    )
  }
  const responseType = parseResponseType(params.get('response_type'))
  if (responseType !== 'code') {
    // RFC 9700 §2.1.2: the implicit grant is off unless an operator enabled it for this client.
    if (!client.legacyFlows.includes('implicit') || !client.grantTypes.includes('implicit')) {
      throw new UnsupportedResponseType(
        `The implicit flow (response_type=${responseType}) is not enabled for this client.`,
      )
    }
    if (state === null) throw new InvalidRequest('The implicit flow requires the state parameter.')
  } else if (!client.grantTypes.includes('authorization_code')) {
    throw new UnauthorizedClient('This client is not allowed to use the authorization code flow.')
  }

  // OAuth 2.0 Multiple Response Type Encoding Practices §2.1: the response type's default mode, or form_post;
  // any other is refused, never ignored.
  const defaultMode = defaultModeOf(responseType)
  const responseMode = params.get('response_mode') ?? defaultMode
  if (responseMode !== defaultMode && responseMode !== 'form_post') {
    throw new InvalidRequest(
      `response_mode=${responseMode} is not supported: use form_post, or ${defaultMode} (the default for response_type=${responseType}).`,
    )
  }

  const codeChallenge = params.get('code_challenge') ?? null
  if (responseType === 'code') {
    // RFC 9700 §2.1.1 and OAuth 2.1: PKCE for every client, S256 only.
    if (codeChallenge === null)
      throw new InvalidRequest('The code_challenge parameter is required (PKCE, S256).')
    const method = params.get('code_challenge_method') ?? 'plain'
    if (method !== 'S256')
      throw new InvalidRequest('code_challenge_method must be S256; plain is not accepted.')
    if (!isValidS256Challenge(codeChallenge)) {
      throw new InvalidRequest('The code_challenge is not a base64url-encoded SHA-256 hash (43 characters).')
    }
  }

  const scope = resolveScope(parseScope(params.get('scope')), client.scopes, client.defaultScopes)
  const nonce = params.get('nonce') ?? null
  if (returnsIdToken(responseType)) {
    // OpenID Connect Core §3.2.2.1: an ID token is the answer to an OpenID request, bound to its nonce, which
    // lets the client reject one replayed from elsewhere.
    if (!scope.includes(OPENID_SCOPE)) {
      throw new InvalidRequest(`response_type=${responseType} needs the openid scope.`)
    }
    if (nonce === null) {
      throw new InvalidRequest(`response_type=${responseType} requires the nonce parameter.`)
    }
  }
  return {
    client,
    responseType,
    responseMode,
    redirectUri,
    scope,
    state,
    codeChallenge: responseType === 'code' ? codeChallenge : null,
    prompt: parsePrompt(params.get('prompt')),
    nonce,
    maxAge: parseMaxAge(params.get('max_age')),
    loginHint: params.get('login_hint') ?? null,
    dpopJkt: parseDpopJkt(params.get('dpop_jkt'), responseType),
    claims: parseClaimsRequest(params.get('claims')),
  }
}

/** RFC 9449 §10: dpop_jkt is a JWK SHA-256 thumbprint (RFC 7638), base64url, and binds a code. */
function parseDpopJkt(value: string | undefined, responseType: ResponseType): string | null {
  if (value === undefined) return null
  if (responseType !== 'code') {
    throw new InvalidRequest('dpop_jkt binds an authorization code: use it with response_type=code.')
  }
  if (!/^[\w-]{43}$/.test(value)) {
    throw new InvalidRequest(
      'dpop_jkt is the base64url SHA-256 thumbprint of a JWK (RFC 7638, 43 characters).',
    )
  }
  return value
}

/** OpenID Connect Core §3.1.2.1 max_age: a non-negative whole number of seconds. */
function parseMaxAge(value: string | undefined): number | null {
  if (value === undefined) return null
  if (!/^\d{1,10}$/.test(value)) throw new InvalidRequest('max_age is a whole number of seconds.')
  return Number(value)
}

function parsePrompt(value: string | undefined): ReadonlySet<Prompt> {
  const prompts = new Set<Prompt>()
  for (const entry of (value ?? '').split(' ').filter(Boolean)) {
    const prompt = PROMPT_VALUES.find((known) => known === entry)
    if (prompt === undefined) {
      throw new InvalidRequest(`The prompt parameter takes ${PROMPT_VALUES.join(', ')}.`)
    }
    prompts.add(prompt === 'select_account' ? 'login' : prompt)
  }
  // OpenID Connect Core §3.1.2.1: none cannot be combined with any other value.
  if (prompts.has('none') && prompts.size > 1)
    throw new InvalidRequest('prompt=none cannot be combined with other values.')
  return prompts
}

/**
 * The response type, its values in any order (RFC 6749 §3.1.1: space-delimited, order does not matter); a hybrid
 * one, or one Keyward does not know, is unsupported_response_type.
 */
function parseResponseType(value: string | undefined): ResponseType {
  if (value === undefined) throw new InvalidRequest('The response_type parameter is required.')
  const values = value.split(' ')
  const normalized = [...new Set(values)].sort().join(' ')
  const known = RESPONSE_TYPES.find((type) => type === normalized)
  if (known !== undefined && values.length === new Set(values).size) return known
  if (values.includes('code')) {
    throw new UnsupportedResponseType(
      `response_type=${value}: hybrid response types are not supported; use response_type=code.`,
    )
  }
  throw new UnsupportedResponseType('Only response_type=code is supported.')
}

/** RFC 6749 §4.1.2 and §4.2.2: a code goes back in the query, anything implicit in the fragment. */
function defaultModeOf(responseType: ResponseType): ResponseMode {
  return responseType === 'code' ? 'query' : 'fragment'
}
