import type { SessionStore } from '../../core/ports/stores.ts'
import { createAndGet, rows } from './schema.ts'
import { deleteWhere, type Scope } from './scope.ts'

export function sessionStore(db: Scope): SessionStore {
  return {
    ...createAndGet(db, 'sessions'),
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
