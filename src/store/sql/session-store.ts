import type { Session } from '../../core/model/session.ts'
import type { SessionStore } from '../../core/ports/stores.ts'
import type { Digest } from '../../core/protocol/digest.ts'
import { date, insertSql, millis, valuesOf } from './columns.ts'
import type { SqlDriver } from './driver.ts'

type SessionRow = {
  readonly digest: Digest
  readonly user_id: string
  readonly auth_time: number
  readonly expires_at: number
}

const columns = [
  'digest',
  'user_id',
  'auth_time',
  'expires_at',
] as const satisfies readonly (keyof SessionRow)[]

function toRow(session: Session): SessionRow {
  return {
    digest: session.digest,
    user_id: session.userId,
    auth_time: millis(session.authTime),
    expires_at: millis(session.expiresAt),
  }
}

function fromRow(row: SessionRow): Session {
  return {
    digest: row.digest,
    userId: row.user_id,
    authTime: date(row.auth_time),
    expiresAt: date(row.expires_at),
  }
}

export function sessionStore(db: SqlDriver): SessionStore {
  return {
    async create(session) {
      await db.run(insertSql('sessions', columns), valuesOf(toRow(session), columns))
    },
    async get(digest) {
      const row = await db.get<SessionRow>('SELECT * FROM sessions WHERE digest = ?', [digest])
      return row ? fromRow(row) : null
    },
    async listByUser(userId) {
      const rows = await db.all<SessionRow>(
        'SELECT * FROM sessions WHERE user_id = ? ORDER BY auth_time, digest',
        [userId],
      )
      return rows.map(fromRow)
    },
    async delete(digest) {
      await db.run('DELETE FROM sessions WHERE digest = ?', [digest])
    },
    async deleteByUser(userId) {
      return (await db.run('DELETE FROM sessions WHERE user_id = ?', [userId])).changes
    },
    async deleteExpired(before) {
      return (await db.run('DELETE FROM sessions WHERE expires_at < ?', [millis(before)])).changes
    },
  }
}
