import type { ClientStore } from '../../core/ports/stores.ts'
import { deleteCascading, insert, rows } from './schema.ts'
import type { Scope } from './scope.ts'
import { found } from './tables.ts'

export function clientStore(db: Scope): ClientStore {
  return {
    create: (client) => db.run(insert('clients', client)),
    update: (client) =>
      db.run(({ clients }, journal) => {
        // Like an UPDATE that matches no row, an unknown id changes nothing.
        if (clients.has(client.id)) journal.set(clients, client.id, client)
      }),
    get: (id) => db.run(({ clients }) => found(clients, id)),
    list: () => db.run(rows('clients')),
    delete: (id) => db.run(deleteCascading('clients', id)),
  }
}
