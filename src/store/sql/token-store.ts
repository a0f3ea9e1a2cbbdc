import type { IssuedTokens } from '../../core/model/token.ts'
import { CLIENT_RECORD_MARGIN_MS, type TokenStore } from '../../core/ports/stores.ts'
import { claimAndInsert, type Insert, insertOf } from './claim-and-insert.ts'
import { millis, type Row } from './columns.ts'
import type { Dialect, SqlDriver } from './driver.ts'
import type { Table } from './table.ts'
import { accessTokens, grants, refreshTokens, users } from './tables.ts'

// A token row is written once, under its primary key alone (migration 019): what else decides whether it is
// valid is read with it, in the same statement. A revoked grant revokes its tokens (the first revocation time
// wins); a deleted grant, or for a token without one a deleted client, leaves rows that read as gone until the
// expiry sweep takes them.

/** The token's columns, its revocation time the earlier of its own and its grant's. */
const tokenColumns = (records: Table<unknown>) =>
  records.columns
    .map((column) =>
      column === 'revoked_at' ? 'COALESCE(t.revoked_at, g.revoked_at) AS revoked_at' : `t.${column}`,
    )
    .join(', ')

// A client credentials token has no grant: its client decides. A client deleted and registered again under the
// same id (a metadata document's URL) does not bring back the tokens of the first; the margin is for a JWT's
// whole-second iat and for nodes' clocks.
const accessTokenWhere = `WHERE t.token_key = ? AND (g.id IS NOT NULL OR t.grant_id IS NULL AND EXISTS (
    SELECT 1 FROM clients c WHERE c.id = t.client_id AND c.created_at <= t.issued_at + ${CLIENT_RECORD_MARGIN_MS}))`
const accessTokenSql = `SELECT ${tokenColumns(accessTokens)} FROM access_tokens t
  LEFT JOIN grants g ON g.id = t.grant_id ${accessTokenWhere}`

// UserInfo's one read: the same, with the user of the token's grant.
const joinedUser = users.joined('u', 'person')
const accessTokenWithUserSql = `SELECT ${tokenColumns(accessTokens)}, ${joinedUser.columns} FROM access_tokens t
  LEFT JOIN grants g ON g.id = t.grant_id LEFT JOIN users u ON u.id = g.user_id ${accessTokenWhere}`

// Revoking inserts the record when it was never stored; a token revoked already keeps its first revocation time.
const revokeAccessSql = `${accessTokens.insertSql}
  ON CONFLICT (token_key) DO UPDATE SET revoked_at = COALESCE(access_tokens.revoked_at, excluded.revoked_at)`

const joinedToken = refreshTokens.joined('r', 'token')
const joinedGrant = grants.joined('g', 'grant')
const findSql = `SELECT ${joinedToken.columns}, ${joinedGrant.columns}
  FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id WHERE r.digest = ?`

/** Rows the expiry sweep looks at per statement: each a short write, so that issuing goes on in between. */
const SWEEP_BATCH = 500

/**
 * Deletes the rows of `records` that expired before `before`, walking its primary key `key` a batch at a time:
 * no index on the expiry is written with every token for this, and no statement holds SQLite's one writer (and
 * the event loop, node:sqlite being synchronous) for the whole table. The idle expiry of a refresh token never
 * passes its absolute one, so expires_at alone says when a token is dead.
 */
async function sweep(db: SqlDriver, records: Table<unknown>, key: string, before: number): Promise<number> {
  const boundSql = `SELECT ${key} AS bound FROM ${records.name} WHERE ${key} > ? ORDER BY ${key}
    LIMIT 1 OFFSET ${SWEEP_BATCH - 1}`
  const batchSql = `DELETE FROM ${records.name} WHERE ${key} > ? AND ${key} <= ? AND expires_at < ?`
  const lastSql = `DELETE FROM ${records.name} WHERE ${key} > ? AND expires_at < ?`
  let deleted = 0
  // Keys are digests and jtis, never empty: every one sorts after ''.
  let after = ''
  for (;;) {
    const batch = await db.get<{ bound: string }>(boundSql, [after])
    if (batch === undefined) return deleted + (await db.run(lastSql, [after, before])).changes
    deleted += (await db.run(batchSql, [after, batch.bound, before])).changes
    after = batch.bound
  }
}

/**
 * RFC 9700 §4.14.2: each refresh token is exchanged once; a second exchange is reuse. The conditional UPDATE lets
 * exactly one of any number of racers claim the token (PostgreSQL re-checks the condition after a concurrent
 * update commits; SQLite runs one write transaction at a time), and only while its grant is live. On PostgreSQL
 * the grant is share-locked until commit: a revocation waits, then revokes what the rotation issued too. The
 * token's row names its successor, for a retry within the grace period (migration 021): no index to write.
 * Parameters: the rotation time, the successor's digest (null when none is issued), the token's digest, its
 * grant's id.
 */
const claimText = (
  dialect: Dialect,
  [at, successor, digest, grantId]: readonly string[],
  from = '',
  returning = 'digest',
) =>
  `UPDATE refresh_tokens AS r SET rotated_at = ${at}, successor = ${successor}${from}
  WHERE r.digest = ${digest} AND r.rotated_at IS NULL AND r.revoked_at IS NULL
    AND r.grant_id IN (SELECT id FROM grants WHERE id = ${grantId} AND revoked_at IS NULL${dialect === 'postgres' ? ' FOR SHARE' : ''})
  RETURNING ${returning}`

/** The claim's parameters as the columns of a PostgreSQL turn's gathered rotations (claim-and-insert.ts). */
const claimColumns = [
  ['at', 'bigint'],
  ['successor', 'text'],
  ['digest', 'text'],
  ['grant_id', 'text'],
] as const
const claimOfManySql = claimText(
  'postgres',
  claimColumns.map(([name]) => `i.${name}`),
  ' FROM input i',
  'i.n',
)

/** Names a stored token its predecessor's successor. Parameters: the token's digest, its predecessor's. */
const linkSql = 'UPDATE refresh_tokens SET successor = ? WHERE digest = ?'

// The successor found under its predecessor's primary key; its own row decides whether it is still unused.
const supersedeSql = `UPDATE refresh_tokens SET rotated_at = ?
  WHERE digest = (SELECT successor FROM refresh_tokens WHERE digest = ?) AND rotated_at IS NULL AND revoked_at IS NULL`

/** The rows an issue of a grant's tokens inserts. */
export function issuedRows({ accessToken, refreshToken }: IssuedTokens): Insert[] {
  return [
    ...(accessToken ? [insertOf(accessTokens, accessToken)] : []),
    ...(refreshToken ? [insertOf(refreshTokens, refreshToken)] : []),
  ]
}

export function tokenStore(db: SqlDriver, dialect: Dialect): TokenStore {
  const claim = claimText(dialect, ['?', '?', '?', '?'])
  const findRefreshToken = async (digest: string) => {
    const row = await db.lookup<Row>(findSql, digest, 'token_digest')
    return row ? { token: joinedToken.read(row), grant: joinedGrant.read(row) } : null
  }
  return {
    // A token issued in exchange for another (a retry taking its successor's place) becomes that one's successor.
    createRefreshToken: (token) =>
      token.replaces === null
        ? refreshTokens.insert(db, token)
        : db.transaction(async (tx) => {
            await refreshTokens.insert(tx, token)
            await tx.run(linkSql, [token.digest, token.replaces])
          }),
    // The token as its grant says it stands (the same read as findRefreshToken): its own revocation, else its grant's.
    async getRefreshToken(digest) {
      const found = await findRefreshToken(digest)
      return found && { ...found.token, revokedAt: found.token.revokedAt ?? found.grant.revokedAt }
    },
    findRefreshToken,
    async rotateRefreshToken({ digest, grantId, at, issued }) {
      const params = [millis(at), issued.refreshToken?.digest ?? null, digest, grantId]
      const ofMany = { update: claimOfManySql, columns: claimColumns, key: digest }
      if (await claimAndInsert(db, dialect, { sql: claim, params, ofMany }, issuedRows(issued)))
        return { kind: 'rotated' }
      // Why it did not claim: the token had been rotated (reuse), or it is gone or revoked, or its grant is.
      const record = await refreshTokens.get(db, digest)
      return record?.rotatedAt ? { kind: 'reused', record } : { kind: 'refused' }
    },
    async supersedeSuccessor(digest, at) {
      // One conditional UPDATE decides: the successor is spent by this retry or by its own rotation, not both.
      return (await db.run(supersedeSql, [millis(at), digest])).changes > 0
    },
    async revokeRefreshToken(digest, at) {
      const sql = 'UPDATE refresh_tokens SET revoked_at = ? WHERE digest = ? AND revoked_at IS NULL'
      return (await db.run(sql, [millis(at), digest])).changes > 0
    },
    // Its key is random and it has no other constraint (migration 019): rows of one turn may go together.
    createAccessToken: (token) => db.insertRow(accessTokens.insertSql, accessTokens.valuesOf(token)),
    async getAccessToken(key) {
      const row = await db.lookup<Row>(accessTokenSql, key, 'token_key')
      return row === undefined ? null : accessTokens.read(row)
    },
    async getAccessTokenWithUser(key) {
      const row = await db.lookup<Row>(accessTokenWithUserSql, key, 'token_key')
      if (row === undefined) return null
      return { token: accessTokens.read(row), user: row.person_id === null ? null : joinedUser.read(row) }
    },
    async revokeAccessToken(token, at) {
      await db.run(revokeAccessSql, accessTokens.valuesOf({ ...token, revokedAt: at }))
    },
    async deleteExpired(before) {
      const ms = millis(before)
      const refresh = await sweep(db, refreshTokens, 'digest', ms)
      return refresh + (await sweep(db, accessTokens, 'token_key', ms))
    },
  }
}
