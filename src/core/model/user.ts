import type { StandardClaims } from './person-claims.ts'

export interface User {
  readonly id: string
  readonly username: string
  /** argon2id PHC string; never a plain password. */
  readonly passwordHash: string
  readonly createdAt: Date
  /** What OpenID Connect releases about the person (Core §5.1), as set with `keyward users`. */
  readonly claims: StandardClaims
}
