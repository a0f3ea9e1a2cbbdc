import type { CodeStore } from '../../core/ports/stores.ts'
import { deleteWhere, type Scope } from './scope.ts'
import { insert } from './schema.ts'
import { copy, mustExist } from './tables.ts'

export function codeStore(db: Scope): CodeStore {
  return {
    create: (code) => db.run(insert('codes', { code, usedAt: null })),
    // RFC 6749 §4.1.2: a code is single use; usedAt records the first redemption. A statement runs alone.
    consume: (digest, at) =>
      db.run(({ codes }, journal) => {
        const stored = codes.get(digest)
        if (!stored) return { kind: 'missing' } as const
        if (stored.usedAt !== null) return { kind: 'reused', record: copy(stored.code) } as const
        journal.set(codes, digest, { ...stored, usedAt: at })
        return { kind: 'ok', record: copy(stored.code) } as const
      }),
    setGrant: (digest, grantId) =>
      db.run(({ codes, grants }, journal) => {
        const stored = codes.get(digest)
        if (!stored) return
        mustExist(grants, grantId, 'grant')
        journal.set(codes, digest, { ...stored, code: { ...stored.code, grantId } })
      }),
    deleteUnusedByUser: (userId, clientId) =>
      db.run(({ codes }, journal) =>
        deleteWhere(
          journal,
          codes,
          ({ code, usedAt }) =>
            code.userId === userId &&
            usedAt === null &&
            (clientId === undefined || code.clientId === clientId),
        ),
      ),
    deleteExpired: (before) =>
      db.run(({ codes }, journal) =>
        deleteWhere(journal, codes, ({ code }) => code.expiresAt.getTime() < before.getTime()),
      ),
  }
}
