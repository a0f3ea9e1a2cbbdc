import type { TokenStore } from '../../core/ports/stores.ts'
import { deleteWhere, type Scope, updateWhere } from './scope.ts'
import type { IssuedTokens } from '../../core/model/token.ts'
import { insert, insertAll, type NamedRow } from './schema.ts'
import { copy, found } from './tables.ts'

/** The rows an issue of a grant's tokens inserts. */
export function issuedRows({ accessToken, refreshToken }: IssuedTokens): NamedRow[] {
  return [
    ...(accessToken ? [['accessTokens', accessToken] as const] : []),
    ...(refreshToken ? [['refreshTokens', refreshToken] as const] : []),
  ]
}

export function tokenStore(db: Scope): TokenStore {
  return {
    createRefreshToken: (token) => db.run(insert('refreshTokens', token)),
    getRefreshToken: (digest) => db.run(({ refreshTokens }) => found(refreshTokens, digest)),
    findRefreshToken: (digest) =>
      db.run(({ refreshTokens, grants }) => {
        const token = found(refreshTokens, digest)
        const grant = token && found(grants, token.grantId)
        return token && grant ? { token, grant } : null
      }),
    // RFC 9700 §4.14.2: each refresh token is exchanged once; a second exchange is reuse. One synchronous
    // statement: the checks, the rotation and what it issues land together or not at all.
    rotateRefreshToken: ({ digest, grantId, at, issued }) =>
      db.run((tables, journal) => {
        const token = tables.refreshTokens.get(digest)
        if (!token) return { kind: 'refused' } as const
        if (token.rotatedAt !== null) return { kind: 'reused', record: copy(token) } as const
        if (
          token.revokedAt !== null ||
          token.grantId !== grantId ||
          tables.grants.get(grantId)?.revokedAt !== null
        )
          return { kind: 'refused' } as const
        insertAll(issuedRows(issued))(tables, journal)
        journal.set(tables.refreshTokens, digest, { ...token, rotatedAt: at })
        return { kind: 'rotated' } as const
      }),
    // One statement decides: the successor is spent by this retry or by its own rotation, not both.
    supersedeSuccessor: (digest, at) =>
      db.run(
        ({ refreshTokens }, journal) =>
          updateWhere(
            journal,
            refreshTokens,
            (token) => token.replaces === digest && token.rotatedAt === null && token.revokedAt === null,
            (token) => ({ ...token, rotatedAt: at }),
          ) > 0,
      ),
    revokeRefreshToken: (digest, at) =>
      db.run(({ refreshTokens }, journal) => {
        const token = refreshTokens.get(digest)
        if (!token || token.revokedAt !== null) return false
        journal.set(refreshTokens, digest, { ...token, revokedAt: at })
        return true
      }),
    createAccessToken: (token) => db.run(insert('accessTokens', token)),
    getAccessToken: (key) => db.run(({ accessTokens }) => found(accessTokens, key)),
    // A token never stored gets a revoked record; one revoked already keeps its first revocation time.
    revokeAccessToken: (token, at) =>
      db.run((tables, journal) => {
        const stored = tables.accessTokens.get(token.key)
        if (stored) {
          if (stored.revokedAt === null)
            journal.set(tables.accessTokens, token.key, { ...stored, revokedAt: at })
          return
        }
        insert('accessTokens', { ...token, revokedAt: at })(tables, journal)
      }),
    deleteExpired: (before) =>
      db.run(({ refreshTokens, accessTokens }, journal) => {
        const expired = (token: { expiresAt: Date }) => token.expiresAt.getTime() < before.getTime()
        // The idle expiry never passes the absolute one, so expiresAt alone says when a refresh token is dead.
        return deleteWhere(journal, refreshTokens, expired) + deleteWhere(journal, accessTokens, expired)
      }),
  }
}
