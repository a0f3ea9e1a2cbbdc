import type { PushedRequestStore } from '../../core/ports/stores.ts'
import { createAndGet } from './schema.ts'
import { deleteWhere, type Scope } from './scope.ts'
import { copy } from './tables.ts'

export function pushedRequestStore(db: Scope): PushedRequestStore {
  return {
    ...createAndGet(db, 'pushedRequests'),
    // RFC 9126 §4: a request_uri is used once; usedAt records when. A statement runs alone.
    consume: (digest, at) =>
      db.run(({ pushedRequests }, journal) => {
        const stored = pushedRequests.get(digest)
        if (!stored) return { kind: 'missing' } as const
        if (stored.usedAt !== null) return { kind: 'reused', record: copy(stored) } as const
        const used = { ...stored, usedAt: at }
        journal.set(pushedRequests, digest, used)
        return { kind: 'ok', record: copy(used) } as const
      }),
    deleteExpired: (before) =>
      db.run(({ pushedRequests }, journal) =>
        deleteWhere(journal, pushedRequests, (request) => request.expiresAt.getTime() < before.getTime()),
      ),
  }
}
