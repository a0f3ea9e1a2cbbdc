import type { IssuedTokens } from '../../core/model/token.ts'
import type { TokenStore } from '../../core/ports/stores.ts'
import { claimAndInsert, type Insert, insertOf } from './claim-and-insert.ts'
import { millis, type Row } from './columns.ts'
import type { Dialect, SqlDriver } from './driver.ts'
import { accessTokens, grants, refreshTokens } from './tables.ts'

// Revoking inserts the record when it was never stored; a token revoked already keeps its first revocation time.
const revokeAccessSql = `${accessTokens.insertSql}
  ON CONFLICT (token_key) DO UPDATE SET revoked_at = COALESCE(access_tokens.revoked_at, excluded.revoked_at)`

const joinedToken = refreshTokens.joined('r', 'token')
const joinedGrant = grants.joined('g', 'grant')
const findSql = `SELECT ${joinedToken.columns}, ${joinedGrant.columns}
  FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id WHERE r.digest = ?`

/**
 * RFC 9700 §4.14.2: each refresh token is exchanged once; a second exchange is reuse. The conditional UPDATE lets
 * exactly one of any number of racers claim the token (PostgreSQL re-checks the condition after a concurrent
 * update commits; SQLite runs one write transaction at a time), and only while its grant is live. On PostgreSQL
 * the grant is share-locked until commit: a revocation waits, then revokes what the rotation issued too.
 * Parameters: the rotation time, the token's digest, its grant's id.
 */
const claimSql = (dialect: Dialect) => `UPDATE refresh_tokens SET rotated_at = ?
  WHERE digest = ? AND rotated_at IS NULL AND revoked_at IS NULL
    AND grant_id IN (SELECT id FROM grants WHERE id = ? AND revoked_at IS NULL${dialect === 'postgres' ? ' FOR SHARE' : ''})
  RETURNING digest`

/** The rows an issue of a grant's tokens inserts. */
export function issuedRows({ accessToken, refreshToken }: IssuedTokens): Insert[] {
  return [
    ...(accessToken ? [insertOf(accessTokens, accessToken)] : []),
    ...(refreshToken ? [insertOf(refreshTokens, refreshToken)] : []),
  ]
}

export function tokenStore(db: SqlDriver, dialect: Dialect): TokenStore {
  const claim = claimSql(dialect)
  return {
    createRefreshToken: (token) => refreshTokens.insert(db, token),
    getRefreshToken: (digest) => refreshTokens.get(db, digest),
    async findRefreshToken(digest) {
      const row = await db.get<Row>(findSql, [digest])
      return row ? { token: joinedToken.read(row), grant: joinedGrant.read(row) } : null
    },
    async rotateRefreshToken({ digest, grantId, at, issued }) {
      const params = [millis(at), digest, grantId]
      if (await claimAndInsert(db, dialect, { sql: claim, params }, issuedRows(issued)))
        return { kind: 'rotated' }
      // Why it did not claim: the token had been rotated (reuse), or it is gone or revoked, or its grant is.
      const record = await refreshTokens.get(db, digest)
      return record?.rotatedAt ? { kind: 'reused', record } : { kind: 'refused' }
    },
    async supersedeSuccessor(digest, at) {
      // One conditional UPDATE decides: the successor is spent by this retry or by its own rotation, not both.
      const sql =
        'UPDATE refresh_tokens SET rotated_at = ? WHERE replaces = ? AND rotated_at IS NULL AND revoked_at IS NULL'
      return (await db.run(sql, [millis(at), digest])).changes > 0
    },
    async revokeRefreshToken(digest, at) {
      const sql = 'UPDATE refresh_tokens SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL'
      return (await db.run(sql, [millis(at), digest])).changes > 0
    },
    createAccessToken: (token) => accessTokens.insert(db, token),
    getAccessToken: (key) => accessTokens.get(db, key),
    async revokeAccessToken(token, at) {
      await db.run(revokeAccessSql, accessTokens.valuesOf({ ...token, revokedAt: at }))
    },
    async deleteExpired(before) {
      const ms = millis(before)
      // The idle expiry never passes the absolute one, so expires_at alone says when a refresh token is dead.
      const refresh = await db.run('DELETE FROM refresh_tokens WHERE expires_at < ?', [ms])
      const access = await db.run('DELETE FROM access_tokens WHERE expires_at < ?', [ms])
      return refresh.changes + access.changes
    },
  }
}
