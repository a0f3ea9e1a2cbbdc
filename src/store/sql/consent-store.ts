import type { ConsentStore } from '../../core/ports/stores.ts'
import type { SqlDriver } from './driver.ts'
import { consents } from './tables.ts'

const putSql = `${consents.insertSql}
  ON CONFLICT (user_id, client_id) DO UPDATE
  SET scope = excluded.scope, resources = excluded.resources, created_at = excluded.created_at, updated_at = excluded.updated_at`

export function consentStore(db: SqlDriver): ConsentStore {
  return {
    get: (userId, clientId) => consents.get(db, userId, clientId),
    async put(consent) {
      await db.run(putSql, consents.valuesOf(consent))
    },
    listByUser: (userId) =>
      consents.many(db, 'SELECT * FROM consents WHERE user_id = ? ORDER BY client_id', [userId]),
    delete: (userId, clientId) => consents.delete(db, userId, clientId),
  }
}
