import type { CodeStore } from '../../core/ports/stores.ts'
import { deleteWhere, type Scope } from './scope.ts'
import { insert, insertAll } from './schema.ts'
import { copy, mustExist } from './tables.ts'
import { issuedRows } from './token-store.ts'

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
    find: (digest) =>
      db.run(({ codes }) => {
        const stored = codes.get(digest)
        return stored ? { code: copy(stored.code), used: stored.usedAt !== null } : null
      }),
    // One synchronous statement: the claim, the grant and its tokens land together or not at all.
    redeem: ({ digest, at, grant, issued }) =>
      db.run((tables, journal) => {
        const stored = tables.codes.get(digest)
        if (!stored || stored.usedAt !== null) return false
        insertAll([['grants', grant], ...issuedRows(issued)])(tables, journal)
        journal.set(tables.codes, digest, { code: { ...stored.code, grantId: grant.id }, usedAt: at })
        return true
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
