import type { GrantStore } from '../../core/ports/stores.ts'
import { millis } from './columns.ts'
import type { SqlDriver } from './driver.ts'
import { createAndGet } from './table.ts'
import { grants } from './tables.ts'

export function grantStore(db: SqlDriver): GrantStore {
  return {
    ...createAndGet(grants, db),
    listByUser: (userId) =>
      grants.many(db, 'SELECT * FROM grants WHERE user_id = ? ORDER BY created_at, id', [userId]),
    hold(id) {
      // A no-op UPDATE is the portable row lock (SQLite has no SELECT ... FOR UPDATE); it lasts until commit.
      const sql = 'UPDATE grants SET revoked_at = revoked_at WHERE id = ? AND revoked_at IS NULL RETURNING *'
      return grants.one(db, sql, [id])
    },
    async revoke(id, at, reason) {
      // One row: its tokens read their revocation from it (token-store.ts), however many there are.
      const sql = 'UPDATE grants SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL'
      return (await db.run(sql, [millis(at), reason, id])).changes > 0
    },
  }
}
