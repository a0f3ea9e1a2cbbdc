/** A remembered approval: this user let this client have these scopes, until revoked. */
export interface Consent {
  readonly userId: string
  readonly clientId: string
  readonly scope: readonly string[]
  readonly createdAt: Date
  readonly updatedAt: Date
}
