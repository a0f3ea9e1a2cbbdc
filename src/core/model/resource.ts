import type { AccessTokenFormat } from './client.ts'

/**
 * A protected resource (an API) registered with Keyward: what RFC 8707 `resource` values name, and what the
 * `aud` of the access tokens issued for it holds.
 */
export interface Resource {
  /** Its resource indicator: an absolute URI without a fragment (RFC 8707 §2), the tokens' audience. */
  readonly identifier: string
  /** The name people see on the consent page. */
  readonly name: string
  /** The scopes it defines: requested only together with it (or another resource defining them). */
  readonly scopes: readonly string[]
  /** The format of the tokens issued for it; null leaves it to the client's setting. */
  readonly accessTokenFormat: AccessTokenFormat | null
  /** Seconds its access tokens live; null leaves it to the client's setting or the server default. */
  readonly accessTokenLifetime: number | null
  /** Keyward serves its RFC 9728 metadata at the issuer's /.well-known/oauth-protected-resource/<path>. */
  readonly serveMetadata: boolean
  readonly createdAt: Date
}
