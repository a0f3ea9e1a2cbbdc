import type { Digest } from '../protocol/digest.ts'

export type ClientType = 'confidential' | 'public'
export type TokenEndpointAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none'

/** A client's public keys (RFC 7517 JWK set), for private_key_jwt: never a private part. */
export interface ClientKeySet {
  readonly keys: readonly Readonly<Record<string, unknown>>[]
}
/** Where a client publishes its key set (RFC 7591 §2 `jwks_uri`): fetched when needed, and again on a new `kid`. */
export interface ClientKeySetLocation {
  readonly jwksUri: string
}
/** A private_key_jwt client's keys: registered with it, or published by the client at an https URL. */
export type ClientKeys = ClientKeySet | ClientKeySetLocation
export type AccessTokenFormat = 'jwt' | 'opaque'
/** Flows that RFC 9700 advises against; a client gets one only when an operator enables it explicitly. */
export type LegacyFlow = 'implicit' | 'password'

/**
 * OpenID Connect Core §8: `public`, every client sees the person's one local id as `sub`; `pairwise`, each
 * sector (the host of the client's `sector_identifier_uri`, else of its redirect URIs, §8.1) sees its own
 * (src/core/oidc/subject.ts).
 */
export type SubjectType = 'public' | 'pairwise'

/** The JWS algorithms an ID token may be signed with (Core §3.1.3.7; Registration §2 id_token_signed_response_alg). */
export type IdTokenSigningAlgorithm = 'RS256' | 'ES256' | 'EdDSA'

/** A security profile a client is held to: its requirements are data (src/core/profiles/). */
export type SecurityProfileName = 'fapi2'

/** Lifetimes in seconds; absent means the server default. */
export interface ClientLifetimes {
  readonly accessToken?: number
  readonly refreshIdle?: number
  readonly refreshAbsolute?: number
}

/** RFC 7591 §2: what a client registered about itself for people to see; Keyward only keeps and returns it. */
export interface ClientLinks {
  readonly clientUri?: string
  readonly logoUri?: string
  readonly tosUri?: string
  readonly policyUri?: string
  readonly contacts?: readonly string[]
}

/** What a client that registered itself (RFC 7591) has beyond an operator's client. */
export interface DynamicRegistration {
  /** SHA-256 of the registration access token (RFC 7592 §3), which is shown once, at registration. */
  readonly accessTokenDigest: Digest
  readonly links: ClientLinks
  /**
   * When the client first received a token; null until then. Only the first use is written, never each one:
   * every write to a client makes every node forget its cached clients. Clients never used expire.
   */
  readonly firstUsedAt: Date | null
}

export interface Client {
  readonly id: string
  readonly name: string
  readonly type: ClientType
  /** SHA-256 of the secret, which Keyward generates and shows once; null for public clients. */
  readonly secretDigest: Digest | null
  /**
   * The secret itself, sealed under a key derived from the server's secret (src/core/protocol/sealed.ts), for a
   * client_secret_jwt client only: an HMAC is checked with the secret, not its digest (architecture §5). Null for
   * every other client.
   */
  readonly encryptedSecret: string | null
  /**
   * The public keys a private_key_jwt client signs its assertions with (RFC 7523), or where it publishes them;
   * null for other clients.
   */
  readonly jwks: ClientKeys | null
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
  /** RFC 9126 §6 require_pushed_authorization_requests: its authorization requests come through PAR only. */
  readonly requirePushedAuthorizationRequests: boolean
  /** RFC 9101 §10.5 require_signed_request_object: its authorization requests come as signed request objects. */
  readonly requireSignedRequestObject: boolean
  /** The security profile whose requirements registration and every request enforce; null for none. */
  readonly securityProfile: SecurityProfileName | null
  /** The registered resources its tokens are for when a request names none (RFC 8707); empty: the server's audience. */
  readonly defaultResources: readonly string[]
  /** RFC 9449 §5.2 dpop_bound_access_tokens: every token request of this client must carry a DPoP proof. */
  readonly dpopBoundAccessTokens: boolean
  /** OpenID Connect RP-Initiated Logout 1.0 §3.1: where a person may be sent after signing out, matched exactly. */
  readonly postLogoutRedirectUris: readonly string[]
  /** OpenID Connect Back-Channel Logout 1.0 §2.2: where logout tokens are posted; null when the client has none. */
  readonly backchannelLogoutUri: string | null
  /** Back-Channel Logout 1.0 §2.2: the client needs the `sid` claim in its logout tokens. */
  readonly backchannelLogoutSessionRequired: boolean
  /** OpenID Connect Core §8 subject_type: which `sub` the client (and its tokens' readers) sees for a person. */
  readonly subjectType: SubjectType
  /**
   * OpenID Connect Registration §2 sector_identifier_uri: an https URL whose JSON array listed every redirect URI
   * when the client was registered; its host is the client's sector (Core §8.1). Null when the client has none.
   */
  readonly sectorIdentifierUri: string | null
  /** OpenID Connect Registration §2 id_token_signed_response_alg: RS256 unless the client registered another. */
  readonly idTokenSignedResponseAlg: IdTokenSigningAlgorithm
  readonly createdAt: Date
  readonly updatedAt: Date
  /** Set for a client that registered itself at the registration endpoint; null for an operator's client. */
  readonly dynamicRegistration: DynamicRegistration | null
}
