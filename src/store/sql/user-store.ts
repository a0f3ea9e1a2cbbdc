import type { User } from '../../core/model/user.ts'
import type { UserStore } from '../../core/ports/stores.ts'
import { date, insertSql, millis, valuesOf } from './columns.ts'
import type { SqlDriver } from './driver.ts'

type UserRow = {
  readonly id: string
  readonly username: string
  readonly password_hash: string
  readonly created_at: number
}

const columns = [
  'id',
  'username',
  'password_hash',
  'created_at',
] as const satisfies readonly (keyof UserRow)[]

function toRow(user: User): UserRow {
  return {
    id: user.id,
    username: user.username,
    password_hash: user.passwordHash,
    created_at: millis(user.createdAt),
  }
}

function fromRow(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    createdAt: date(row.created_at),
  }
}

export function userStore(db: SqlDriver): UserStore {
  return {
    async create(user) {
      await db.run(insertSql('users', columns), valuesOf(toRow(user), columns))
    },
    async get(id) {
      const row = await db.get<UserRow>('SELECT * FROM users WHERE id = ?', [id])
      return row ? fromRow(row) : null
    },
    async getByUsername(username) {
      const row = await db.get<UserRow>('SELECT * FROM users WHERE username = ?', [username])
      return row ? fromRow(row) : null
    },
    async list() {
      return (await db.all<UserRow>('SELECT * FROM users ORDER BY username')).map(fromRow)
    },
    async setPasswordHash(id, passwordHash) {
      return (await db.run('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, id])).changes > 0
    },
    async delete(id) {
      // The schema's ON DELETE CASCADE removes the user's sessions, codes, grants, tokens, consents and device codes.
      return (await db.run('DELETE FROM users WHERE id = ?', [id])).changes > 0
    },
  }
}
