import type { ClientStore } from '../../core/ports/stores.ts'
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
  }
}
