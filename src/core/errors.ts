// One class per error code that the OAuth RFCs name. `description` goes on the wire (error_description);
// `cause` is for the log only and never reaches a client.

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_required'
  | 'consent_required'
  | 'unmet_authentication_requirements'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'request_uri_not_supported'
  | 'registration_not_supported'
  | 'invalid_request_uri'
  | 'invalid_request_object'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_software_statement'
  | 'unapproved_software_statement'
  | 'invalid_target'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'

export abstract class OAuthError extends Error {
  abstract readonly code: OAuthErrorCode
  readonly status: number = 400
  readonly description: string

  constructor(description: string, options?: { cause?: unknown }) {
    super(description, options)
    this.description = description
  }

  /** The same error with another HTTP status, where an RFC names the code but the context the status. */
  withStatus(status: number): this {
    Object.defineProperty(this, 'status', { value: status })
    return this
  }

  override get name(): string {
    return `OAuthError(${this.code})`
  }
}

type CodeClass<C extends OAuthErrorCode> = abstract new (
  description: string,
  options?: { cause?: unknown },
) => OAuthError & { readonly code: C }

/**
 * The base of one error class: its RFC code and HTTP status, given once per class below. Each export stays a
 * class of its own, so that `instanceof InvalidGrant` and go-to-definition keep working.
 */
function codeClass<C extends OAuthErrorCode>(code: C, status = 400): CodeClass<C> {
  return class extends OAuthError {
    readonly code = code
    override readonly status: number = status
  }
}

// RFC 6749 §5.2 / §4.1.2.1
export class InvalidRequest extends codeClass('invalid_request') {}
export class InvalidClient extends codeClass('invalid_client', 401) {
  /** RFC 6749 §5.2: a 401 after Basic authentication must carry WWW-Authenticate: Basic. */
  readonly usedBasic: boolean
  constructor(description: string, usedBasic = false, options?: { cause?: unknown }) {
    super(description, options)
    this.usedBasic = usedBasic
  }
}
export class InvalidGrant extends codeClass('invalid_grant') {}
export class UnauthorizedClient extends codeClass('unauthorized_client') {}
export class UnsupportedGrantType extends codeClass('unsupported_grant_type') {}
export class InvalidScope extends codeClass('invalid_scope') {}
export class AccessDenied extends codeClass('access_denied') {}
export class UnsupportedResponseType extends codeClass('unsupported_response_type') {}
export class ServerError extends codeClass('server_error', 500) {}
export class TemporarilyUnavailable extends codeClass('temporarily_unavailable', 503) {}
/**
 * Too many attempts from one source: RFC 6585 §4's 429 with a Retry-After, worded as RFC 6749's
 * temporarily_unavailable since the OAuth RFCs name no code of their own for it.
 */
export class TooManyRequests extends codeClass('temporarily_unavailable', 429) {
  /** Whole seconds the caller should wait before trying again (the Retry-After header). */
  readonly retryAfterSeconds: number
  constructor(description: string, retryAfterSeconds: number, options?: { cause?: unknown }) {
    super(description, options)
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds))
  }
}
// RFC 8707 §2: a resource that is invalid, unknown, not allowed, or not an absolute URI.
export class InvalidTarget extends codeClass('invalid_target') {}
// OpenID Connect Core §3.1.2.6, used by prompt=none
export class LoginRequired extends codeClass('login_required') {}
export class ConsentRequired extends codeClass('consent_required') {}
// OpenID Connect Core Unmet Authentication Requirements 1.0 §1: an essential acr the server cannot achieve.
export class UnmetAuthenticationRequirements extends codeClass('unmet_authentication_requirements') {}
// RFC 8628 §3.5
export class AuthorizationPending extends codeClass('authorization_pending') {}
export class SlowDown extends codeClass('slow_down') {}
export class ExpiredToken extends codeClass('expired_token') {}

// OpenID Connect Core §3.1.2.6: a request_uri other than a pushed request's is not fetched, and says so.
export class RequestUriNotSupported extends OAuthError {
  readonly code = 'request_uri_not_supported'
}

// OpenID Connect Core §3.1.2.6: the registration parameter (§7.2.1, for self-issued providers) is not used.
export class RegistrationNotSupported extends codeClass('registration_not_supported') {}

// RFC 9101 §6.2 (OpenID Connect Core §3.1.2.6): a request_uri that is unknown, expired or used.
export class InvalidRequestUri extends codeClass('invalid_request_uri') {}
// RFC 9101 §6.3: a request object that is not signed as required or whose claims are not acceptable.
export class InvalidRequestObject extends codeClass('invalid_request_object') {}
// RFC 7591 §3.2.2: a registration (or its RFC 7592 update) refused.
export class InvalidRedirectUri extends codeClass('invalid_redirect_uri') {}
export class InvalidClientMetadata extends codeClass('invalid_client_metadata') {}
export class InvalidSoftwareStatement extends codeClass('invalid_software_statement') {}
export class UnapprovedSoftwareStatement extends codeClass('unapproved_software_statement') {}

/** The authentication scheme a protected resource challenges with: RFC 6750 Bearer or RFC 9449 §7.1 DPoP. */
export type TokenScheme = 'Bearer' | 'DPoP'

// RFC 6750 §3.1: a protected resource (UserInfo) refusing an access token, with a challenge of its scheme.
export class InvalidToken extends OAuthError {
  readonly code = 'invalid_token'
  override readonly status = 401
  /** RFC 6750 §3.1: a request with no token at all gets a challenge without error information. */
  readonly tokenMissing: boolean
  /** The scheme the token was (or must be) presented with; a DPoP-bound token is challenged with DPoP. */
  readonly scheme: TokenScheme
  /** RFC 9449 §7.1: the resource takes DPoP-bound tokens too, so a request without a token hears of both. */
  readonly acceptsDpop: boolean
  constructor(
    description: string,
    tokenMissing = false,
    scheme: TokenScheme = 'Bearer',
    acceptsDpop = scheme === 'DPoP',
  ) {
    super(description)
    this.tokenMissing = tokenMissing
    this.scheme = scheme
    this.acceptsDpop = acceptsDpop
  }
}

/**
 * RFC 9449 §5 and §7.1: a DPoP proof that is missing where it is required, malformed or does not match the
 * request. 400 at the token endpoint; a protected resource answers it with 401 and a DPoP challenge.
 */
export class InvalidDpopProof extends codeClass('invalid_dpop_proof') {}

/** RFC 9449 §8 and §9: the proof lacks a fresh server nonce; the answer carries one in the DPoP-Nonce header. */
export class UseDpopNonce extends codeClass('use_dpop_nonce') {
  readonly nonce: string
  constructor(description: string, nonce: string) {
    super(description)
    this.nonce = nonce
  }
}

export class InsufficientScope extends OAuthError {
  readonly code = 'insufficient_scope'
  override readonly status = 403
  /** The scope the resource needs (RFC 6750 §3 `scope` attribute). */
  readonly scope: string
  /** The scheme the token was presented with, which the challenge uses (RFC 9449 §7.1). */
  readonly scheme: TokenScheme
  constructor(description: string, scope: string, scheme: TokenScheme = 'Bearer') {
    super(description)
    this.scope = scope
    this.scheme = scheme
  }
}

/**
 * An OAuthError as a value, anything else thrown on: for the steps of a transaction that returns its refusals so
 * that what it wrote before them (a consumed code) commits.
 */
export function refusalOf(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error
  throw error
}

/** Wire form of an error, as RFC 6749 §5.2 shapes it. */
export function errorBody(error: OAuthError): { error: OAuthErrorCode; error_description: string } {
  return { error: error.code, error_description: error.description }
}
