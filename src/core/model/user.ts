export interface User {
  readonly id: string
  readonly username: string
  /** argon2id PHC string; never a plain password. */
  readonly passwordHash: string
  readonly createdAt: Date
}
