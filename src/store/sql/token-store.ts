import type { IssuedTokens } from '../../core/model/token.ts'
import type { RefreshRotation, RotationResult, TokenStore } from '../../core/ports/stores.ts'
import { millis, type Row } from './columns.ts'
import type { Dialect, SqlDriver, SqlValue } from './driver.ts'
import type { Table } from './table.ts'
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
const claimSql = (lock: '' | ' FOR SHARE') => `UPDATE refresh_tokens SET rotated_at = ?
  WHERE digest = ? AND rotated_at IS NULL AND revoked_at IS NULL
    AND grant_id IN (SELECT id FROM grants WHERE id = ? AND revoked_at IS NULL${lock})`

/** A table's INSERT made conditional: one row per row of the CTE `claimed`, so only when the claim succeeded. */
const insertIfClaimed = (records: Pick<Table<unknown>, 'insertSql'>) =>
  records.insertSql.replace(' VALUES (', ' SELECT ').replace(/\)$/, ' FROM claimed')

/** The rotation as one statement (one round trip): the claim, and what it issues inserted only if it claimed. */
function rotationStatement(issued: IssuedTokens): string {
  const inserts = [
    issued.accessToken && `, access AS (${insertIfClaimed(accessTokens)})`,
    issued.refreshToken && `, successor AS (${insertIfClaimed(refreshTokens)})`,
  ]
  return `WITH claimed AS (${claimSql(' FOR SHARE')} RETURNING digest)${inserts.filter(Boolean).join('')}
    SELECT digest FROM claimed`
}
const rotationStatements = new Map<string, string>()

function issuedValues({ accessToken, refreshToken }: IssuedTokens): SqlValue[] {
  return [
    ...(accessToken ? accessTokens.valuesOf(accessToken) : []),
    ...(refreshToken ? refreshTokens.valuesOf(refreshToken) : []),
  ]
}

export function tokenStore(db: SqlDriver, dialect: Dialect): TokenStore {
  // Why a rotation did not claim the token: it had been rotated (reuse), or it is gone or revoked.
  const unclaimed = async (on: SqlDriver, digest: string): Promise<RotationResult> => {
    const record = await refreshTokens.get(on, digest)
    return record?.rotatedAt ? { kind: 'reused', record } : { kind: 'refused' }
  }
  const rotateInOneStatement = async (rotation: RefreshRotation): Promise<RotationResult> => {
    const { digest, grantId, at, issued } = rotation
    const shape = `${issued.accessToken !== null} ${issued.refreshToken !== null}`
    let sql = rotationStatements.get(shape)
    if (sql === undefined) rotationStatements.set(shape, (sql = rotationStatement(issued)))
    const claimed = await db.get(sql, [millis(at), digest, grantId, ...issuedValues(issued)])
    return claimed ? { kind: 'rotated' } : unclaimed(db, digest)
  }
  // SQLite has no round trips to save (and no INSERT in a WITH): the same claim and inserts in a transaction.
  const rotateInTransaction = ({ digest, grantId, at, issued }: RefreshRotation) =>
    db.transaction(async (tx): Promise<RotationResult> => {
      if ((await tx.run(claimSql(''), [millis(at), digest, grantId])).changes === 0)
        return unclaimed(tx, digest)
      if (issued.accessToken) await accessTokens.insert(tx, issued.accessToken)
      if (issued.refreshToken) await refreshTokens.insert(tx, issued.refreshToken)
      return { kind: 'rotated' }
    })
  return {
    createRefreshToken: (token) => refreshTokens.insert(db, token),
    getRefreshToken: (digest) => refreshTokens.get(db, digest),
    async findRefreshToken(digest) {
      const row = await db.get<Row>(findSql, [digest])
      return row ? { token: joinedToken.read(row), grant: joinedGrant.read(row) } : null
    },
    rotateRefreshToken: dialect === 'postgres' ? rotateInOneStatement : rotateInTransaction,
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
