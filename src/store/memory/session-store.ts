import type { SessionStore } from '../../core/ports/stores.ts'
import { insert, rows } from './schema.ts'
import { deleteWhere, type Scope } from './scope.ts'
import { found } from './tables.ts'

export function sessionStore(db: Scope): SessionStore {
  return {
    create: (session) => db.run(insert('sessions', session)),
    get: (digest) => db.run(({ sessions }) => found(sessions, digest)),
    listByUser: (userId) => db.run(rows('sessions', (session) => session.userId === userId)),
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
