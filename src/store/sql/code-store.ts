import type { CodeStore } from '../../core/ports/stores.ts'
import { claimAndInsert, insertOf } from './claim-and-insert.ts'
import { claimOnce } from './claim-once.ts'
import { millis, type Row } from './columns.ts'
import type { Dialect, SqlDriver } from './driver.ts'
import { codes, grants } from './tables.ts'
import { issuedRows } from './token-store.ts'

// RFC 6749 §4.1.2: a code is single use; used_at records the first redemption.
const consumeCode = claimOnce(codes, 'used_at = ?', 'used_at IS NULL')
// The same claim, naming the grant the redemption starts. Parameters: the time, the grant's id, the digest.
const redeemSql = `UPDATE authorization_codes SET used_at = ?, grant_id = ?
  WHERE digest = ? AND used_at IS NULL RETURNING digest`

export function codeStore(db: SqlDriver, dialect: Dialect): CodeStore {
  return {
    create: (code) => codes.insert(db, code),
    consume: (digest, at) => consumeCode(db, digest, millis(at)),
    async find(digest) {
      const row = await db.get<Row>('SELECT * FROM authorization_codes WHERE digest = ?', [digest])
      return row ? { code: codes.read(row), used: row.used_at !== null } : null
    },
    redeem: ({ digest, at, grant, issued }) =>
      claimAndInsert(db, dialect, { sql: redeemSql, params: [millis(at), grant.id, digest] }, [
        insertOf(grants, grant),
        ...issuedRows(issued),
      ]),
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
