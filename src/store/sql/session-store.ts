import type { SessionStore } from '../../core/ports/stores.ts'
import { millis } from './columns.ts'
import type { SqlDriver } from './driver.ts'
import { createAndGet } from './table.ts'
import { sessions } from './tables.ts'

export function sessionStore(db: SqlDriver): SessionStore {
  return {
    ...createAndGet(sessions, db),
    listByUser: (userId) =>
      sessions.many(db, 'SELECT * FROM sessions WHERE user_id = ? ORDER BY auth_time, digest', [userId]),
    async delete(digest) {
      await sessions.delete(db, digest)
    },
    async deleteByUser(userId) {
      return (await db.run('DELETE FROM sessions WHERE user_id = ?', [userId])).changes
    },
    async deleteExpired(before) {
      return (await db.run('DELETE FROM sessions WHERE expires_at < ?', [millis(before)])).changes
    },
  }
}
