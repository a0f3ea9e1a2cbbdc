import type { ConsentStore } from '../../core/ports/stores.ts'
import { checkReferences, rows } from './schema.ts'
import type { Scope } from './scope.ts'
import { consentKey, found } from './tables.ts'

export function consentStore(db: Scope): ConsentStore {
  return {
    get: (userId, clientId) => db.run(({ consents }) => found(consents, consentKey(userId, clientId))),
    put: (consent) =>
      db.run((tables, journal) => {
        // An upsert: a second consent of the user for the client replaces the first.
        checkReferences(tables, 'consents', consent)
        journal.set(tables.consents, consentKey(consent.userId, consent.clientId), consent)
      }),
    listByUser: (userId) => db.run(rows('consents', (consent) => consent.userId === userId)),
    delete: (userId, clientId) =>
      db.run(({ consents }, journal) => journal.delete(consents, consentKey(userId, clientId))),
  }
}
