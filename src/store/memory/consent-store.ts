import type { ConsentStore } from '../../core/ports/stores.ts'
import { ordered, type Scope } from './scope.ts'
import { consentKey, found, mustExist } from './tables.ts'

export function consentStore(db: Scope): ConsentStore {
  return {
    get: (userId, clientId) => db.run(({ consents }) => found(consents, consentKey(userId, clientId))),
    put: (consent) =>
      db.run(({ consents, users, clients }, journal) => {
        mustExist(users, consent.userId, 'user')
        mustExist(clients, consent.clientId, 'client')
        journal.set(consents, consentKey(consent.userId, consent.clientId), consent)
      }),
    listByUser: (userId) =>
      db.run(({ consents }) =>
        ordered(
          [...consents.values()].filter((consent) => consent.userId === userId),
          (consent) => consent.clientId,
        ),
      ),
    delete: (userId, clientId) =>
      db.run(({ consents }, journal) => journal.delete(consents, consentKey(userId, clientId))),
  }
}
