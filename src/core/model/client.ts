import type { Digest } from '../protocol/digest.ts'

export type ClientType = 'confidential' | 'public'
export type TokenEndpointAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none'

/** A client's public keys (RFC 7517 JWK set), for private_key_jwt: never a private part. */
export interface ClientKeySet {
  readonly keys: readonly Readonly<Record<string, unknown>>[]
}
export type AccessTokenFormat = 'jwt' | 'opaque'
/** Flows that RFC 9700 advises against; a client gets one only when an operator enables it explicitly. */
export type LegacyFlow = 'implicit' | 'password'

/** Lifetimes in seconds; absent means the server default. */
export interface ClientLifetimes {
  readonly accessToken?: number
  readonly refreshIdle?: number
  readonly refreshAbsolute?: number
}

export interface Client {
  readonly id: string
  readonly name: string
  readonly type: ClientType
  /** SHA-256 of the secret, which Keyward generates and shows once; null for public clients. */
  readonly secretDigest: Digest | null
  /** The public keys a private_key_jwt client signs its assertions with (RFC 7523); null for other clients. */
  readonly jwks: ClientKeySet | null
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod
  readonly redirectUris: readonly string[]
  /** Wire names: authorization_code, refresh_token, client_credentials, ... */
  readonly grantTypes: readonly string[]
  /** Scopes the client may ask for. */
  readonly scopes: readonly string[]
  /** Scopes granted when a request names none. */
  readonly defaultScopes: readonly string[]
  readonly legacyFlows: readonly LegacyFlow[]
  readonly accessTokenFormat: AccessTokenFormat
  readonly lifetimes: ClientLifetimes
  /** Resource servers may introspect tokens issued to other clients (RFC 7662 §2.1). */
  readonly canIntrospect: boolean
  /** OpenID Connect RP-Initiated Logout 1.0 §3.1: where a person may be sent after signing out, matched exactly. */
  readonly postLogoutRedirectUris: readonly string[]
  /** OpenID Connect Back-Channel Logout 1.0 §2.2: where logout tokens are posted; null when the client has none. */
  readonly backchannelLogoutUri: string | null
  /** Back-Channel Logout 1.0 §2.2: the client needs the `sid` claim in its logout tokens. */
  readonly backchannelLogoutSessionRequired: boolean
  readonly createdAt: Date
  readonly updatedAt: Date
}
