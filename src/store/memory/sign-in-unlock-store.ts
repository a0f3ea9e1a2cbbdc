import type { SignInUnlockStore } from '../../core/ports/stores.ts'
import type { Scope } from './scope.ts'
import { found } from './tables.ts'

export function signInUnlockStore(db: Scope): SignInUnlockStore {
  return {
    unlock: (username, at) =>
      db.run(({ signInUnlocks }, journal) => {
        journal.set(signInUnlocks, username, at)
      }),
    lastUnlock: (username) => db.run(({ signInUnlocks }) => found(signInUnlocks, username)),
  }
}
