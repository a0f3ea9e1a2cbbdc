import type { CodeStore } from '../../core/ports/stores.ts'
import { claimOnce } from './claim-once.ts'
import { millis } from './columns.ts'
import type { SqlDriver } from './driver.ts'
import { codes } from './tables.ts'

// RFC 6749 §4.1.2: a code is single use; used_at records the first redemption.
const redeem = claimOnce(codes, 'used_at = ?', 'used_at IS NULL')

export function codeStore(db: SqlDriver): CodeStore {
  return {
    create: (code) => codes.insert(db, code),
    consume: (digest, at) => redeem(db, digest, millis(at)),
    async setGrant(digest, grantId) {
      await db.run('UPDATE authorization_codes SET grant_id = ? WHERE digest = ?', [grantId, digest])
    },
    async deleteUnusedByUser(userId, clientId) {
      const sql = 'DELETE FROM authorization_codes WHERE user_id = ? AND used_at IS NULL'
      if (clientId === undefined) return (await db.run(sql, [userId])).changes
      return (await db.run(`${sql} AND client_id = ?`, [userId, clientId])).changes
    },
    async deleteExpired(before) {
      return (await db.run('DELETE FROM authorization_codes WHERE expires_at < ?', [millis(before)])).changes
    },
  }
}
