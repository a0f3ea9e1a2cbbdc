import type { GrantStore } from '../../core/ports/stores.ts'
import { createAndGet, rows } from './schema.ts'
import type { Scope } from './scope.ts'
import { copy } from './tables.ts'

export function grantStore(db: Scope): GrantStore {
  return {
    ...createAndGet(db, 'grants'),
    listByUser: (userId) => db.run(rows('grants', (grant) => grant.userId === userId)),
    // Transactions run one at a time, so a transaction that reads the grant holds it: a revocation waits.
    hold: (id) =>
      db.run(({ grants }) => {
        const grant = grants.get(id)
        return grant && grant.revokedAt === null ? copy(grant) : null
      }),
    // One row: its tokens read their revocation from it (token-store.ts), however many there are.
    revoke: (id, at, reason) =>
      db.run(({ grants }, journal) => {
        const grant = grants.get(id)
        if (!grant || grant.revokedAt !== null) return false
        journal.set(grants, id, { ...grant, revokedAt: at, revokedReason: reason })
        return true
      }),
  }
}
