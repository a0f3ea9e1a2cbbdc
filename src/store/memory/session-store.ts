import type { SessionStore } from '../../core/ports/stores.ts'
import { deleteWhere, ordered, type Scope } from './scope.ts'
import { found, mustBeNew, mustExist } from './tables.ts'

export function sessionStore(db: Scope): SessionStore {
  return {
    create: (session) =>
      db.run(({ sessions, users }, journal) => {
        mustBeNew(sessions, session.digest, 'session')
        mustExist(users, session.userId, 'user')
        journal.set(sessions, session.digest, session)
      }),
    get: (digest) => db.run(({ sessions }) => found(sessions, digest)),
    listByUser: (userId) =>
      db.run(({ sessions }) =>
        ordered(
          [...sessions.values()].filter((session) => session.userId === userId),
          (session) => session.authTime.getTime(),
          (session) => session.digest,
        ),
      ),
    delete: (digest) =>
      db.run(({ sessions }, journal) => {
        journal.delete(sessions, digest)
      }),
    deleteByUser: (userId) =>
      db.run(({ sessions }, journal) =>
        deleteWhere(journal, sessions, (session) => session.userId === userId),
      ),
    deleteExpired: (before) =>
      db.run(({ sessions }, journal) =>
        deleteWhere(journal, sessions, (session) => session.expiresAt.getTime() < before.getTime()),
      ),
  }
}
