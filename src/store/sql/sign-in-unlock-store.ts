import type { SignInUnlockStore } from '../../core/ports/stores.ts'
import { millis } from './columns.ts'
import type { SqlDriver } from './driver.ts'

const UNLOCK_SQL = `INSERT INTO sign_in_unlocks (username, unlocked_at) VALUES (?, ?)
  ON CONFLICT (username) DO UPDATE SET unlocked_at = excluded.unlocked_at`

export function signInUnlockStore(db: SqlDriver): SignInUnlockStore {
  return {
    async unlock(username, at) {
      await db.run(UNLOCK_SQL, [username, millis(at)])
    },
    async lastUnlock(username) {
      const row = await db.get<{ unlocked_at: number }>(
        'SELECT unlocked_at FROM sign_in_unlocks WHERE username = ?',
        [username],
      )
      return row ? new Date(row.unlocked_at) : null
    },
  }
}
