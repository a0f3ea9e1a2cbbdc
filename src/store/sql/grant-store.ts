import type { Grant } from '../../core/model/grant.ts'
import type { GrantStore } from '../../core/ports/stores.ts'
import { date, dateOrNull, insertSql, list, listText, millis, millisOrNull, valuesOf } from './columns.ts'
import type { SqlDriver } from './driver.ts'

type GrantRow = {
  readonly id: string
  readonly client_id: string
  readonly user_id: string
  readonly scope: string
  readonly created_at: number
  readonly revoked_at: number | null
  readonly revoked_reason: string | null
}

const columns = [
  'id',
  'client_id',
  'user_id',
  'scope',
  'created_at',
  'revoked_at',
  'revoked_reason',
] as const satisfies readonly (keyof GrantRow)[]

function toRow(grant: Grant): GrantRow {
  return {
    id: grant.id,
    client_id: grant.clientId,
    user_id: grant.userId,
    scope: listText(grant.scope),
    created_at: millis(grant.createdAt),
    revoked_at: millisOrNull(grant.revokedAt),
    revoked_reason: grant.revokedReason,
  }
}

function fromRow(row: GrantRow): Grant {
  return {
    id: row.id,
    clientId: row.client_id,
    userId: row.user_id,
    scope: list(row.scope),
    createdAt: date(row.created_at),
    revokedAt: dateOrNull(row.revoked_at),
    revokedReason: row.revoked_reason,
  }
}

export function grantStore(db: SqlDriver): GrantStore {
  return {
    async create(grant) {
      await db.run(insertSql('grants', columns), valuesOf(toRow(grant), columns))
    },
    async get(id) {
      const row = await db.get<GrantRow>('SELECT * FROM grants WHERE id = ?', [id])
      return row ? fromRow(row) : null
    },
    async listByUser(userId) {
      const rows = await db.all<GrantRow>('SELECT * FROM grants WHERE user_id = ? ORDER BY created_at, id', [
        userId,
      ])
      return rows.map(fromRow)
    },
    async hold(id) {
      // A no-op UPDATE is the portable row lock (SQLite has no SELECT ... FOR UPDATE); it lasts until commit.
      const row = await db.get<GrantRow>(
        'UPDATE grants SET revoked_at = revoked_at WHERE id = ? AND revoked_at IS NULL RETURNING *',
        [id],
      )
      return row ? fromRow(row) : null
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
