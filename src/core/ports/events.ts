/**
 * Security events: what an operator watches for and alerts on. Core emits them where the decision is made;
 * the edges decide where they go (the log, a webhook). A field never carries a secret: no password, token,
 * code, client secret or session id, only identifiers.
 */
export type SecurityEventName =
  | 'sign_in_succeeded'
  | 'sign_in_failed'
  | 'sign_in_throttled'
  | 'client_authentication_failed'
  | 'client_authentication_throttled'
  | 'user_code_throttled'
  | 'refresh_token_reused'
  | 'authorization_code_reused'
  | 'consent_granted'
  | 'consent_revoked'
  | 'grant_revoked'
  | 'client_created'
  | 'client_deleted'
  | 'client_updated'
  | 'client_secret_rotated'
  | 'client_registered'
  | 'client_registration_updated'
  | 'client_registration_refused'
  | 'registration_throttled'
  | 'initial_access_token_created'
  | 'initial_access_token_revoked'
  | 'signing_key_rotated'
  | 'password_changed'
  | 'sessions_revoked'
  | 'signed_out'
  | 'user_unlocked'
  | 'resource_created'
  | 'resource_deleted'
  | 'user_created'
  | 'user_deleted'
  | 'user_updated'
  | 'admin_api_call'
  | 'admin_api_refused'

export interface SecurityEvent {
  readonly event: SecurityEventName
  /** Where the request came from: the first untrusted hop, as the HTTP edge resolved it. */
  readonly address?: string
  readonly clientId?: string
  readonly grantId?: string
  readonly userId?: string
  /** The kid of a signing key (public: it is in the JWKS). */
  readonly keyId?: string
  /** The scopes consented to, space-separated as on the wire. */
  readonly scope?: string
  /** What a person typed as their username: it may name nobody, but it is never a password. */
  readonly username?: string
  /** The public id of an initial access token (RFC 7591 §3), never the token. */
  readonly initialAccessTokenId?: string
  /** The identifier of a registered resource (RFC 8707). */
  readonly resource?: string
  /** The admin API operation called (its OpenAPI operationId). */
  readonly operation?: string
  /** A short machine-readable reason, e.g. why a grant was revoked. */
  readonly reason?: string
  /**
   * The HTTP request it happened in: the `reqId` of that request's log lines. Set by the edge that handles
   * requests (src/events/request-id.ts), never by core.
   */
  readonly requestId?: string
}

/** Receives security events. Emitting never throws and never waits: a failing sink must not fail a request. */
export interface EventSink {
  emit(event: SecurityEvent): void
}
