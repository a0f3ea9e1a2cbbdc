import type { DeviceCode, DeviceCodeStatus } from '../../core/model/device-code.ts'
import type { DeviceCodeStore } from '../../core/ports/stores.ts'
import type { Digest } from '../../core/protocol/digest.ts'
import { claimOnce } from './claim-once.ts'
import { date, dateOrNull, insertSql, list, listText, millis, millisOrNull, valuesOf } from './columns.ts'
import type { SqlDriver } from './driver.ts'

type DeviceCodeRow = {
  readonly device_code_digest: Digest
  readonly user_code_digest: Digest
  readonly client_id: string
  readonly scope: string
  readonly expires_at: number
  readonly interval_seconds: number
  readonly last_polled_at: number | null
  readonly status: DeviceCodeStatus
  readonly user_id: string | null
  readonly created_at: number
}

const columns = [
  'device_code_digest',
  'user_code_digest',
  'client_id',
  'scope',
  'expires_at',
  'interval_seconds',
  'last_polled_at',
  'status',
  'user_id',
  'created_at',
] as const satisfies readonly (keyof DeviceCodeRow)[]

function toRow(code: DeviceCode): DeviceCodeRow {
  return {
    device_code_digest: code.deviceCodeDigest,
    user_code_digest: code.userCodeDigest,
    client_id: code.clientId,
    scope: listText(code.scope),
    expires_at: millis(code.expiresAt),
    interval_seconds: code.interval,
    last_polled_at: millisOrNull(code.lastPolledAt),
    status: code.status,
    user_id: code.userId,
    created_at: millis(code.createdAt),
  }
}

function fromRow(row: DeviceCodeRow): DeviceCode {
  return {
    deviceCodeDigest: row.device_code_digest,
    userCodeDigest: row.user_code_digest,
    clientId: row.client_id,
    scope: list(row.scope),
    expiresAt: date(row.expires_at),
    interval: row.interval_seconds,
    lastPolledAt: dateOrNull(row.last_polled_at),
    status: row.status,
    userId: row.user_id,
    createdAt: date(row.created_at),
  }
}

export function deviceCodeStore(db: SqlDriver): DeviceCodeStore {
  return {
    async create(code) {
      await db.run(insertSql('device_codes', columns), valuesOf(toRow(code), columns))
    },
    async getByDeviceCode(deviceCodeDigest) {
      const sql = 'SELECT * FROM device_codes WHERE device_code_digest = ?'
      const row = await db.get<DeviceCodeRow>(sql, [deviceCodeDigest])
      return row ? fromRow(row) : null
    },
    async getByUserCode(userCodeDigest) {
      const row = await db.get<DeviceCodeRow>('SELECT * FROM device_codes WHERE user_code_digest = ?', [
        userCodeDigest,
      ])
      return row ? fromRow(row) : null
    },
    async recordPoll(deviceCodeDigest, at, interval) {
      const sql =
        'UPDATE device_codes SET last_polled_at = ?, interval_seconds = ? WHERE device_code_digest = ?'
      await db.run(sql, [millis(at), interval, deviceCodeDigest])
    },
    async decide(userCodeDigest, status, userId) {
      const sql =
        "UPDATE device_codes SET status = ?, user_id = ? WHERE user_code_digest = ? AND status = 'pending'"
      return (await db.run(sql, [status, userId, userCodeDigest])).changes > 0
    },
    consume(deviceCodeDigest) {
      // RFC 8628 §3.5: one approval yields one set of tokens. A code not consumed by this call comes back as
      // 'reused' with its status, which says whether it was consumed already or is still pending or denied.
      return claimOnce(
        db,
        fromRow,
        [
          "UPDATE device_codes SET status = 'consumed' WHERE device_code_digest = ? AND status = 'approved' RETURNING *",
          [deviceCodeDigest],
        ],
        ['SELECT * FROM device_codes WHERE device_code_digest = ?', [deviceCodeDigest]],
      )
    },
    async denyApprovedByUser(userId) {
      const sql = "UPDATE device_codes SET status = 'denied' WHERE user_id = ? AND status = 'approved'"
      return (await db.run(sql, [userId])).changes
    },
    async deleteExpired(before) {
      return (await db.run('DELETE FROM device_codes WHERE expires_at < ?', [millis(before)])).changes
    },
  }
}
