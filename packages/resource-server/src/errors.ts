/** An RFC 6750 §3.1 error: answered to the API caller in `WWW-Authenticate`. */
export abstract class BearerError extends Error {
  abstract readonly code: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof'
  abstract readonly status: 400 | 401 | 403
  /** Safe to send to the caller; the cause stays in `cause` for the log. */
  readonly description: string

  constructor(description: string, options?: ErrorOptions) {
    super(description, options)
    this.name = new.target.name
    this.description = description
  }
}

/** RFC 6750 §3.1: malformed request, or the token sent in more than one way or in the URI. */
export class InvalidRequestError extends BearerError {
  override readonly code = 'invalid_request'
  override readonly status = 400
}

/** RFC 6750 §3.1: expired, revoked, malformed, or not meant for this resource server. */
export class InvalidTokenError extends BearerError {
  override readonly code = 'invalid_token'
  override readonly status = 401
}

/** RFC 9449 §7.1: the DPoP proof is missing, malformed, replayed, or not for this request, token or key. */
export class InvalidDpopProofError extends BearerError {
  override readonly code = 'invalid_dpop_proof'
  override readonly status = 401
}

/** RFC 6750 §3.1: the token is valid but lacks a scope the resource requires. */
export class InsufficientScopeError extends BearerError {
  override readonly code = 'insufficient_scope'
  override readonly status = 403
  /** The scopes the resource requires, space-separated (RFC 6750 §3 `scope` attribute). */
  readonly scope: string

  constructor(scope: string) {
    super(`the access token lacks a required scope (${scope})`)
    this.scope = scope
  }
}

/**
 * The issuer's metadata, JWKS or introspection endpoint failed (unreachable, timeout, bad answer, or it
 * rejected our client credentials). Not the caller's fault, so never reported as a bad token.
 */
export class IssuerError extends Error {
  readonly status = 503
  readonly description = 'the access token cannot be verified right now'

  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'IssuerError'
  }
}
