import type { KeyStore } from '../../core/ports/stores.ts'
import { ordered, type Scope, updateWhere } from './scope.ts'
import { mustBeNew } from './tables.ts'

export function keyStore(db: Scope): KeyStore {
  return {
    create: (key) =>
      db.run(({ keys }, journal) => {
        mustBeNew(keys, key.kid, 'signing key')
        journal.set(keys, key.kid, key)
      }),
    // Newest first: ordered by the negated creation time, then kid, as the SQL store does.
    listPublished: (at) =>
      db.run(({ keys }) =>
        ordered(
          [...keys.values()].filter(
            (key) => key.publishUntil === null || key.publishUntil.getTime() > at.getTime(),
          ),
          (key) => -key.createdAt.getTime(),
          (key) => key.kid,
        ),
      ),
    retireAllExcept: (kid, at, publishUntil) =>
      db.run(({ keys }, journal) => {
        updateWhere(
          journal,
          keys,
          (key) => key.kid !== kid && key.retiredAt === null,
          (key) => ({ ...key, retiredAt: at, publishUntil }),
        )
      }),
  }
}
