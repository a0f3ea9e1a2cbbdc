import type { DeviceCodeStore } from '../../core/ports/stores.ts'
import { claimOnce } from './claim-once.ts'
import { millis } from './columns.ts'
import type { SqlDriver } from './driver.ts'
import { deviceCodes } from './tables.ts'

// RFC 8628 §3.5: one approval yields one set of tokens. A code not consumed by this call comes back as 'reused'
// with its status, which says whether it was consumed already or is still pending or denied.
const consumeApproved = claimOnce(deviceCodes, "status = 'consumed'", "status = 'approved'")

export function deviceCodeStore(db: SqlDriver): DeviceCodeStore {
  return {
    create: (code) => deviceCodes.insert(db, code),
    getByDeviceCode: (deviceCodeDigest) => deviceCodes.get(db, deviceCodeDigest),
    getByUserCode: (userCodeDigest) =>
      deviceCodes.one(db, 'SELECT * FROM device_codes WHERE user_code_digest = ?', [userCodeDigest]),
    async recordPoll(deviceCodeDigest, at, interval) {
      const sql =
        'UPDATE device_codes SET last_polled_at = ?, interval_seconds = ? WHERE device_code_digest = ?'
      await db.run(sql, [millis(at), interval, deviceCodeDigest])
    },
    async decide(userCodeDigest, status, userId, signIn = { authTime: null, sid: null }) {
      const sql =
        'UPDATE device_codes SET status = ?, user_id = ?, auth_time = ?, sid = ? ' +
        "WHERE user_code_digest = ? AND status = 'pending'"
      const authTime = signIn.authTime === null ? null : millis(signIn.authTime)
      return (await db.run(sql, [status, userId, authTime, signIn.sid, userCodeDigest])).changes > 0
    },
    consume: (deviceCodeDigest) => consumeApproved(db, deviceCodeDigest),
    async denyApprovedByUser(userId, clientId) {
      const sql = "UPDATE device_codes SET status = 'denied' WHERE user_id = ? AND status = 'approved'"
      if (clientId === undefined) return (await db.run(sql, [userId])).changes
      return (await db.run(`${sql} AND client_id = ?`, [userId, clientId])).changes
    },
    async deleteExpired(before) {
      return (await db.run('DELETE FROM device_codes WHERE expires_at < ?', [millis(before)])).changes
    },
  }
}
