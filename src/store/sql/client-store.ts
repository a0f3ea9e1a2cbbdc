import type { ClientStore } from '../../core/ports/stores.ts'
import type { SqlDriver } from './driver.ts'
import { clients } from './tables.ts'

export function clientStore(db: SqlDriver): ClientStore {
  return {
    create: (client) => clients.insert(db, client),
    async update(client) {
      await clients.update(db, client)
    },
    get: (id) => clients.get(db, id),
    list: () => clients.many(db, 'SELECT * FROM clients ORDER BY created_at, id'),
    // The schema's ON DELETE CASCADE removes the client's codes, grants, tokens, consents and device codes.
    delete: (id) => clients.delete(db, id),
  }
}
