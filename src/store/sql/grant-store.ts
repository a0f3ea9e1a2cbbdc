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
    revoke(id, at, reason) {
      // The grant and every token in its family go together, or not at all.
      return db.transaction(async (tx) => {
        const ms = millis(at)
        const revoked = await tx.run(
          'UPDATE grants SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL',
          [ms, reason, id],
        )
        if (revoked.changes === 0) return false
        await tx.run('UPDATE refresh_tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL', [
          ms,
          id,
        ])
        await tx.run('UPDATE access_tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL', [
          ms,
          id,
        ])
        return true
      })
    },
  }
}
