/** A verified access token, as the API sees it. */
export interface AccessToken {
  /** `sub`: the resource owner, or the client itself for client_credentials (RFC 9068 §2.2). */
  readonly subject: string
  readonly clientId: string
  readonly scopes: readonly string[]
  readonly audience: readonly string[]
  readonly expiresAt: Date
  /** Every claim of the JWT payload or of the introspection response, as received. */
  readonly claims: Readonly<Record<string, unknown>>
}
