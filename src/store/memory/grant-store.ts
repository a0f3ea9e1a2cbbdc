import type { GrantStore } from '../../core/ports/stores.ts'
import { ordered, type Scope, updateWhere } from './scope.ts'
import { copy, found, mustBeNew, mustExist } from './tables.ts'

export function grantStore(db: Scope): GrantStore {
  return {
    create: (grant) =>
      db.run(({ grants, clients, users }, journal) => {
        mustBeNew(grants, grant.id, 'grant')
        mustExist(clients, grant.clientId, 'client')
        mustExist(users, grant.userId, 'user')
        journal.set(grants, grant.id, grant)
      }),
    get: (id) => db.run(({ grants }) => found(grants, id)),
    listByUser: (userId) =>
      db.run(({ grants }) =>
        ordered(
          [...grants.values()].filter((grant) => grant.userId === userId),
          (grant) => grant.createdAt.getTime(),
          (grant) => grant.id,
        ),
      ),
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
