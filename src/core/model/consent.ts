/** A remembered approval: this user let this client have these scopes, until revoked. */
export interface Consent {
  readonly userId: string
  readonly clientId: string
  readonly scope: readonly string[]
  /** The resources (RFC 8707) approved for it: a request for another one asks the person again. */
  readonly resources: readonly string[]
  readonly createdAt: Date
  readonly updatedAt: Date
}
