import type { AccessTokenRecord, IssuedTokens, RefreshToken } from '../../core/model/token.ts'
import { CLIENT_RECORD_MARGIN_MS, type TokenStore } from '../../core/ports/stores.ts'
import { deleteWhere, type Scope, updateWhere } from './scope.ts'
import { insert, insertAll, type NamedRow } from './schema.ts'
import { copy, found, type Tables } from './tables.ts'

/** A token under a grant as its grant says it stands: revoked when the grant is, gone when the grant is. */
function underGrant<T extends RefreshToken | AccessTokenRecord>(
  tables: Tables,
  token: T,
  grantId: string,
): T | null {
  const grant = tables.grants.get(grantId)
  return grant ? copy({ ...token, revokedAt: token.revokedAt ?? grant.revokedAt }) : null
}

/** An access token as its grant, or without one its client's record, says it stands (the port's rules). */
function readAccessToken(tables: Tables, token: AccessTokenRecord | undefined): AccessTokenRecord | null {
  if (token === undefined) return null
  if (token.grantId !== null) return underGrant(tables, token, token.grantId)
  const client = tables.clients.get(token.clientId)
  const holds = client && client.createdAt.getTime() <= token.issuedAt.getTime() + CLIENT_RECORD_MARGIN_MS
  return holds ? copy(token) : null
}

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
    getRefreshToken: (digest) =>
      db.run((tables) => {
        const token = tables.refreshTokens.get(digest)
        return token ? underGrant(tables, token, token.grantId) : null
      }),
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
    getAccessToken: (key) => db.run((tables) => readAccessToken(tables, tables.accessTokens.get(key))),
    getAccessTokenWithUser: (key) =>
      db.run((tables) => {
        const token = readAccessToken(tables, tables.accessTokens.get(key))
        if (token === null) return null
        const grant = token.grantId === null ? undefined : tables.grants.get(token.grantId)
        return { token, user: grant ? found(tables.users, grant.userId) : null }
      }),
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
        // The idle expiry never passes the absolute one, so expiresAt alone says when a refresh token is dead;
        // the tokens of deleted grants and clients go here too.
        return deleteWhere(journal, refreshTokens, expired) + deleteWhere(journal, accessTokens, expired)
      }),
  }
}
