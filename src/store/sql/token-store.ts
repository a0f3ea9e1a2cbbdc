import type { TokenStore } from '../../core/ports/stores.ts'
import { claimOnce } from './claim-once.ts'
import { millis } from './columns.ts'
import type { SqlDriver } from './driver.ts'
import { accessTokens, refreshTokens } from './tables.ts'

// Revoking inserts the record when it was never stored; a token revoked already keeps its first revocation time.
const revokeAccessSql = `${accessTokens.insertSql}
  ON CONFLICT (token_key) DO UPDATE SET revoked_at = COALESCE(access_tokens.revoked_at, excluded.revoked_at)`

// RFC 9700 §4.14.2: each refresh token is exchanged once; a second exchange is reuse.
const rotate = claimOnce(refreshTokens, 'rotated_at = ?', 'rotated_at IS NULL')

export function tokenStore(db: SqlDriver): TokenStore {
  return {
    createRefreshToken: (token) => refreshTokens.insert(db, token),
    getRefreshToken: (digest) => refreshTokens.get(db, digest),
    rotateRefreshToken: (digest, at) => rotate(db, digest, millis(at)),
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
