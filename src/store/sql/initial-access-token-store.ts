import type { InitialAccessTokenStore } from '../../core/ports/stores.ts'
import { millis } from './columns.ts'
import type { SqlDriver } from './driver.ts'
import { initialAccessTokens } from './tables.ts'

// One conditional UPDATE spends a use: PostgreSQL re-checks the condition after a concurrent spend commits and
// SQLite runs one statement at a time, so racers never spend more uses than the token has.
const SPEND_SQL = `UPDATE initial_access_tokens SET uses_left = uses_left - 1
  WHERE digest = ? AND uses_left > 0 AND expires_at > ? RETURNING *`

export function initialAccessTokenStore(db: SqlDriver): InitialAccessTokenStore {
  return {
    create: (token) => initialAccessTokens.insert(db, token),
    list: () => initialAccessTokens.many(db, 'SELECT * FROM initial_access_tokens ORDER BY created_at, id'),
    delete: (id) => initialAccessTokens.delete(db, id),
    spend: (digest, at) => initialAccessTokens.one(db, SPEND_SQL, [digest, millis(at)]),
    async deleteSpent(before) {
      const { changes } = await db.run(
        'DELETE FROM initial_access_tokens WHERE uses_left < 1 OR expires_at < ?',
        [millis(before)],
      )
      return changes
    },
  }
}
