import type { Migration } from './migration.ts'

// `keyward users unlock` writes here; every node reads it at each sign-in attempt, so that an unlock reaches the
// waits kept in each node's memory as well as those in Redis. Usernames in lower case, as sign-in counts them.
export const signInUnlocks: Migration = {
  name: '005-sign-in-unlocks',
  statements: [
    `CREATE TABLE sign_in_unlocks (
      username TEXT PRIMARY KEY,
      unlocked_at BIGINT NOT NULL
    )`,
  ],
}
