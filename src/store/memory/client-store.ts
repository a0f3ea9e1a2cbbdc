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
    recordFirstUse: (id, at) =>
      db.run(({ clients }, journal) => {
        const client = clients.get(id)
        const registration = client?.dynamicRegistration
        if (!client || !registration || registration.firstUsedAt !== null) return
        journal.set(clients, id, { ...client, dynamicRegistration: { ...registration, firstUsedAt: at } })
      }),
    deleteUnusedDynamic: (createdBefore) =>
      db.run((tables, journal) => {
        const unused = rows(
          'clients',
          (client) =>
            client.dynamicRegistration?.firstUsedAt === null &&
            client.createdAt.getTime() < createdBefore.getTime(),
        )(tables, journal).map((client) => client.id)
        for (const id of unused) deleteCascading('clients', id)(tables, journal)
        return unused
      }),
  }
}
