import type { InitialAccessTokenStore } from '../../core/ports/stores.ts'
import { createAndGet, rows } from './schema.ts'
import { deleteWhere, type Scope } from './scope.ts'
import { copy } from './tables.ts'

export function initialAccessTokenStore(db: Scope): InitialAccessTokenStore {
  return {
    create: createAndGet(db, 'initialAccessTokens').create,
    list: () => db.run(rows('initialAccessTokens')),
    delete: (id) => db.run(({ initialAccessTokens }, journal) => journal.delete(initialAccessTokens, id)),
    spend: (digest, at) =>
      db.run(({ initialAccessTokens }, journal) => {
        const token = [...initialAccessTokens.values()].find((candidate) => candidate.digest === digest)
        if (!token || token.usesLeft < 1 || token.expiresAt.getTime() <= at.getTime()) return null
        const spent = { ...token, usesLeft: token.usesLeft - 1 }
        journal.set(initialAccessTokens, token.id, spent)
        return copy(spent)
      }),
    deleteSpent: (before) =>
      db.run(({ initialAccessTokens }, journal) =>
        deleteWhere(
          journal,
          initialAccessTokens,
          (token) => token.usesLeft < 1 || token.expiresAt.getTime() < before.getTime(),
        ),
      ),
  }
}
