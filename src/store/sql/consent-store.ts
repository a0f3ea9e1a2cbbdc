import type { Consent } from '../../core/model/consent.ts'
import type { ConsentStore } from '../../core/ports/stores.ts'
import { date, insertSql, list, listText, millis, valuesOf } from './columns.ts'
import type { SqlDriver } from './driver.ts'

type ConsentRow = {
  readonly user_id: string
  readonly client_id: string
  readonly scope: string
  readonly created_at: number
  readonly updated_at: number
}

const columns = [
  'user_id',
  'client_id',
  'scope',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof ConsentRow)[]

const putSql = `${insertSql('consents', columns)}
  ON CONFLICT (user_id, client_id) DO UPDATE
  SET scope = excluded.scope, created_at = excluded.created_at, updated_at = excluded.updated_at`

function toRow(consent: Consent): ConsentRow {
  return {
    user_id: consent.userId,
    client_id: consent.clientId,
    scope: listText(consent.scope),
    created_at: millis(consent.createdAt),
    updated_at: millis(consent.updatedAt),
  }
}

function fromRow(row: ConsentRow): Consent {
  return {
    userId: row.user_id,
    clientId: row.client_id,
    scope: list(row.scope),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  }
}

export function consentStore(db: SqlDriver): ConsentStore {
  return {
    async get(userId, clientId) {
      const sql = 'SELECT * FROM consents WHERE user_id = ? AND client_id = ?'
      const row = await db.get<ConsentRow>(sql, [userId, clientId])
      return row ? fromRow(row) : null
    },
    async put(consent) {
      await db.run(putSql, valuesOf(toRow(consent), columns))
    },
    async listByUser(userId) {
      const rows = await db.all<ConsentRow>('SELECT * FROM consents WHERE user_id = ? ORDER BY client_id', [
        userId,
      ])
      return rows.map(fromRow)
    },
    async delete(userId, clientId) {
      const sql = 'DELETE FROM consents WHERE user_id = ? AND client_id = ?'
      return (await db.run(sql, [userId, clientId])).changes > 0
    },
  }
}
