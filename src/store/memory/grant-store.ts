import type { GrantStore } from '../../core/ports/stores.ts'
import { createAndGet, rows } from './schema.ts'
import { type Scope, updateWhere } from './scope.ts'
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
    revoke: (id, at, reason) =>
      db.run(({ grants, refreshTokens, accessTokens }, journal) => {
        const grant = grants.get(id)
        if (!grant || grant.revokedAt !== null) return false
        // The grant and every token in its family go together: one synchronous statement.
        journal.set(grants, id, { ...grant, revokedAt: at, revokedReason: reason })
        const live = (token: { grantId: string | null; revokedAt: Date | null }) =>
          token.grantId === id && token.revokedAt === null
        updateWhere(journal, refreshTokens, live, (token) => ({ ...token, revokedAt: at }))
        updateWhere(journal, accessTokens, live, (token) => ({ ...token, revokedAt: at }))
        return true
      }),
  }
}
