import type { UserStore } from '../../core/ports/stores.ts'
import type { SqlDriver } from './driver.ts'
import { createAndGet } from './table.ts'
import { users } from './tables.ts'

export function userStore(db: SqlDriver): UserStore {
  return {
    ...createAndGet(users, db),
    getByUsername: (username) => users.one(db, 'SELECT * FROM users WHERE username = ?', [username]),
    list: () => users.many(db, 'SELECT * FROM users ORDER BY username'),
    async recordExternal(user) {
      await db.run(
        `${users.insertSql} ON CONFLICT (id) DO UPDATE SET username = excluded.username`,
        users.valuesOf(user),
      )
    },
    async setPasswordHash(id, passwordHash) {
      return (await db.run('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, id])).changes > 0
    },
    async setClaims(id, claims) {
      return (
        (await db.run('UPDATE users SET claims = ? WHERE id = ?', [JSON.stringify(claims), id])).changes > 0
      )
    },
    // The schema's ON DELETE CASCADE removes the user's sessions, codes, grants, tokens, consents and device codes.
    delete: (id) => users.delete(db, id),
  }
}
