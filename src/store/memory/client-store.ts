import type { ClientStore } from '../../core/ports/stores.ts'
import { createAndGet, deleteCascading, rows } from './schema.ts'
import type { Scope } from './scope.ts'

export function clientStore(db: Scope): ClientStore {
  return {
    ...createAndGet(db, 'clients'),
    update: (client) =>
      db.run(({ clients }, journal) => {
        // Like an UPDATE that matches no row, an unknown id changes nothing.
        if (clients.has(client.id)) journal.set(clients, client.id, client)
      }),
    list: () => db.run(rows('clients')),
    delete: (id) => db.run(deleteCascading('clients', id)),
  }
}
