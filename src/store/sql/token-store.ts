import type { AccessTokenRecord, RefreshToken } from '../../core/model/token.ts'
import type { TokenStore } from '../../core/ports/stores.ts'
import type { Digest } from '../../core/protocol/digest.ts'
import { claimOnce } from './claim-once.ts'
import { date, dateOrNull, insertSql, list, listText, millis, millisOrNull, valuesOf } from './columns.ts'
import type { SqlDriver } from './driver.ts'

type RefreshTokenRow = {
  readonly digest: Digest
  readonly grant_id: string
  readonly client_id: string
  readonly user_id: string
  readonly scope: string
  readonly created_at: number
  readonly expires_at: number
  readonly absolute_expires_at: number
  readonly rotated_at: number | null
  readonly replaces: Digest | null
  readonly revoked_at: number | null
}

const refreshColumns = [
  'digest',
  'grant_id',
  'client_id',
  'user_id',
  'scope',
  'created_at',
  'expires_at',
  'absolute_expires_at',
  'rotated_at',
  'replaces',
  'revoked_at',
] as const satisfies readonly (keyof RefreshTokenRow)[]

function refreshToRow(token: RefreshToken): RefreshTokenRow {
  return {
    digest: token.digest,
    grant_id: token.grantId,
    client_id: token.clientId,
    user_id: token.userId,
    scope: listText(token.scope),
    created_at: millis(token.createdAt),
    expires_at: millis(token.expiresAt),
    absolute_expires_at: millis(token.absoluteExpiresAt),
    rotated_at: millisOrNull(token.rotatedAt),
    replaces: token.replaces,
    revoked_at: millisOrNull(token.revokedAt),
  }
}

function refreshFromRow(row: RefreshTokenRow): RefreshToken {
  return {
    digest: row.digest,
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    scope: list(row.scope),
    createdAt: date(row.created_at),
    expiresAt: date(row.expires_at),
    absoluteExpiresAt: date(row.absolute_expires_at),
    rotatedAt: dateOrNull(row.rotated_at),
    replaces: row.replaces,
    revokedAt: dateOrNull(row.revoked_at),
  }
}

type AccessTokenRow = {
  readonly token_key: string
  readonly format: AccessTokenRecord['format']
  readonly grant_id: string | null
  readonly client_id: string
  readonly subject: string
  readonly scope: string
  readonly audience: string
  readonly issued_at: number
  readonly expires_at: number
  readonly revoked_at: number | null
}

const accessColumns = [
  'token_key',
  'format',
  'grant_id',
  'client_id',
  'subject',
  'scope',
  'audience',
  'issued_at',
  'expires_at',
  'revoked_at',
] as const satisfies readonly (keyof AccessTokenRow)[]

function accessToRow(token: AccessTokenRecord): AccessTokenRow {
  return {
    token_key: token.key,
    format: token.format,
    grant_id: token.grantId,
    client_id: token.clientId,
    subject: token.subject,
    scope: listText(token.scope),
    audience: listText(token.audience),
    issued_at: millis(token.issuedAt),
    expires_at: millis(token.expiresAt),
    revoked_at: millisOrNull(token.revokedAt),
  }
}

function accessFromRow(row: AccessTokenRow): AccessTokenRecord {
  return {
    key: row.token_key,
    format: row.format,
    grantId: row.grant_id,
    clientId: row.client_id,
    subject: row.subject,
    scope: list(row.scope),
    audience: list(row.audience),
    issuedAt: date(row.issued_at),
    expiresAt: date(row.expires_at),
    revokedAt: dateOrNull(row.revoked_at),
  }
}

// Revoking inserts the record when it was never stored; a token revoked already keeps its first revocation time.
const revokeAccessSql = `${insertSql('access_tokens', accessColumns)}
  ON CONFLICT (token_key) DO UPDATE SET revoked_at = COALESCE(access_tokens.revoked_at, excluded.revoked_at)`

export function tokenStore(db: SqlDriver): TokenStore {
  return {
    async createRefreshToken(token) {
      await db.run(insertSql('refresh_tokens', refreshColumns), valuesOf(refreshToRow(token), refreshColumns))
    },
    async getRefreshToken(digest) {
      const row = await db.get<RefreshTokenRow>('SELECT * FROM refresh_tokens WHERE digest = ?', [digest])
      return row ? refreshFromRow(row) : null
    },
    rotateRefreshToken(digest, at) {
      // RFC 9700 §4.14.2: each refresh token is exchanged once; a second exchange is reuse.
      return claimOnce(
        db,
        refreshFromRow,
        [
          'UPDATE refresh_tokens SET rotated_at = ? WHERE digest = ? AND rotated_at IS NULL RETURNING *',
          [millis(at), digest],
        ],
        ['SELECT * FROM refresh_tokens WHERE digest = ?', [digest]],
      )
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
    async createAccessToken(token) {
      await db.run(insertSql('access_tokens', accessColumns), valuesOf(accessToRow(token), accessColumns))
    },
    async getAccessToken(key) {
      const row = await db.get<AccessTokenRow>('SELECT * FROM access_tokens WHERE token_key = ?', [key])
      return row ? accessFromRow(row) : null
    },
    async revokeAccessToken(token, at) {
      await db.run(revokeAccessSql, valuesOf(accessToRow({ ...token, revokedAt: at }), accessColumns))
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
