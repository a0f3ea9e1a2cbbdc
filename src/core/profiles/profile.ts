import type { ClientType, SecurityProfileName, TokenEndpointAuthMethod } from '../model/client.ts'

/**
 * A security profile as data (DESIGN §9): what it demands of a client and of each request. Registration and
 * `keyward lint` read the client-side fields (src/core/advisor/rules/profile-*.ts); the endpoints read the
 * request-side ones. `requirements` lists every clause in words, with how Keyward holds it.
 */
export interface SecurityProfile {
  readonly name: SecurityProfileName
  readonly title: string
  /** Client types the profile admits. */
  readonly clientTypes: readonly ClientType[]
  /** The only client authentication methods it admits. */
  readonly clientAuthenticationMethods: readonly TokenEndpointAuthMethod[]
  /** Grant types (and the implicit response type) a client of the profile may not have. */
  readonly forbiddenGrantTypes: readonly string[]
  /** Authorization requests come through PAR only. */
  readonly pushedRequestsRequired: boolean
  /** A pushed request names its redirect_uri, even when the client has one. */
  readonly pushedRedirectUriRequired: boolean
  /** The longest an authorization code lives, in seconds: the server's lifetime is capped to it. */
  readonly maxAuthorizationCodeSeconds: number
  /** Access tokens must be bound to a key the client holds (DPoP or mTLS). */
  readonly senderConstrainedTokens: boolean
  readonly requirements: readonly ProfileRequirement[]
}

/** How Keyward holds a client to a requirement, so that docs and lint can say it plainly. */
export type Enforcement =
  /** Registration refuses a client that breaks it, and `keyward lint` reports it as an error. */
  | 'registration'
  /** Each request of the client is checked. */
  | 'request'
  /** Keyward does it for every client anyway. */
  | 'always'
  /** Not implemented yet: `keyward lint` warns about it. */
  | 'not-yet'

export interface ProfileRequirement {
  readonly clause: string
  readonly text: string
  readonly enforcement: Enforcement
}
