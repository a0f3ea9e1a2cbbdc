import type { ClientStore } from '../../core/ports/stores.ts'
import { millis } from './columns.ts'
import type { SqlDriver } from './driver.ts'
import { createAndGet } from './table.ts'
import { clients } from './tables.ts'

export function clientStore(db: SqlDriver): ClientStore {
  return {
    ...createAndGet(clients, db),
    async update(client) {
      await clients.update(db, client)
    },
    list: () => clients.many(db, 'SELECT * FROM clients ORDER BY created_at, id'),
    // The schema's ON DELETE CASCADE removes the client's codes, grants, tokens, consents and device codes.
    delete: (id) => clients.delete(db, id),
    async recordFirstUse(id, at) {
      await db.run(
        `UPDATE clients SET first_used_at = ?
         WHERE id = ? AND registration_access_token_digest IS NOT NULL AND first_used_at IS NULL`,
        [millis(at), id],
      )
    },
    async deleteUnusedDynamic(createdBefore) {
      const deleted = await db.all<{ id: string }>(
        `DELETE FROM clients
         WHERE registration_access_token_digest IS NOT NULL AND first_used_at IS NULL AND created_at < ?
         RETURNING id`,
        [millis(createdBefore)],
      )
      return deleted.map((row) => row.id)
    },
  }
}
