import type { AuthorizationCode } from '../../core/model/code.ts'
import type { CodeStore } from '../../core/ports/stores.ts'
import type { Digest } from '../../core/protocol/digest.ts'
import { claimOnce } from './claim-once.ts'
import { date, insertSql, list, listText, millis, valuesOf } from './columns.ts'
import type { SqlDriver } from './driver.ts'

type CodeRow = {
  readonly digest: Digest
  readonly client_id: string
  readonly user_id: string
  readonly redirect_uri: string
  readonly code_challenge: string
  readonly scope: string
  readonly expires_at: number
  readonly grant_id: string | null
  readonly created_at: number
}

const columns = [
  'digest',
  'client_id',
  'user_id',
  'redirect_uri',
  'code_challenge',
  'scope',
  'expires_at',
  'grant_id',
  'created_at',
] as const satisfies readonly (keyof CodeRow)[]

function toRow(code: AuthorizationCode): CodeRow {
  return {
    digest: code.digest,
    client_id: code.clientId,
    user_id: code.userId,
    redirect_uri: code.redirectUri,
    code_challenge: code.codeChallenge,
    scope: listText(code.scope),
    expires_at: millis(code.expiresAt),
    grant_id: code.grantId,
    created_at: millis(code.createdAt),
  }
}

function fromRow(row: CodeRow): AuthorizationCode {
  return {
    digest: row.digest,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    codeChallenge: row.code_challenge,
    scope: list(row.scope),
    expiresAt: date(row.expires_at),
    grantId: row.grant_id,
    createdAt: date(row.created_at),
  }
}

export function codeStore(db: SqlDriver): CodeStore {
  return {
    async create(code) {
      await db.run(insertSql('authorization_codes', columns), valuesOf(toRow(code), columns))
    },
    consume(digest, at) {
      // RFC 6749 §4.1.2: a code is single use; used_at records the first redemption.
      return claimOnce(
        db,
        fromRow,
        [
          'UPDATE authorization_codes SET used_at = ? WHERE digest = ? AND used_at IS NULL RETURNING *',
          [millis(at), digest],
        ],
        ['SELECT * FROM authorization_codes WHERE digest = ?', [digest]],
      )
    },
    async setGrant(digest, grantId) {
      await db.run('UPDATE authorization_codes SET grant_id = ? WHERE digest = ?', [grantId, digest])
    },
    async deleteUnusedByUser(userId) {
      const sql = 'DELETE FROM authorization_codes WHERE user_id = ? AND used_at IS NULL'
      return (await db.run(sql, [userId])).changes
    },
    async deleteExpired(before) {
      return (await db.run('DELETE FROM authorization_codes WHERE expires_at < ?', [millis(before)])).changes
    },
  }
}
