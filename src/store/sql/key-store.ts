import type { SigningKey } from '../../core/model/signing-key.ts'
import type { KeyStore } from '../../core/ports/stores.ts'
import { date, dateOrNull, insertSql, millis, millisOrNull, valuesOf } from './columns.ts'
import type { SqlDriver } from './driver.ts'

type SigningKeyRow = {
  readonly kid: string
  readonly alg: SigningKey['alg']
  readonly public_jwk: string
  readonly encrypted_private_jwk: string
  readonly created_at: number
  readonly retired_at: number | null
  readonly publish_until: number | null
}

const columns = [
  'kid',
  'alg',
  'public_jwk',
  'encrypted_private_jwk',
  'created_at',
  'retired_at',
  'publish_until',
] as const satisfies readonly (keyof SigningKeyRow)[]

function toRow(key: SigningKey): SigningKeyRow {
  return {
    kid: key.kid,
    alg: key.alg,
    public_jwk: JSON.stringify(key.publicJwk),
    encrypted_private_jwk: key.encryptedPrivateJwk,
    created_at: millis(key.createdAt),
    retired_at: millisOrNull(key.retiredAt),
    publish_until: millisOrNull(key.publishUntil),
  }
}

function fromRow(row: SigningKeyRow): SigningKey {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: JSON.parse(row.public_jwk) as Record<string, unknown>,
    encryptedPrivateJwk: row.encrypted_private_jwk,
    createdAt: date(row.created_at),
    retiredAt: dateOrNull(row.retired_at),
    publishUntil: dateOrNull(row.publish_until),
  }
}

export function keyStore(db: SqlDriver): KeyStore {
  return {
    async create(key) {
      await db.run(insertSql('signing_keys', columns), valuesOf(toRow(key), columns))
    },
    async listPublished(at) {
      const sql =
        'SELECT * FROM signing_keys WHERE publish_until IS NULL OR publish_until > ? ORDER BY created_at DESC, kid'
      return (await db.all<SigningKeyRow>(sql, [millis(at)])).map(fromRow)
    },
    async retireAllExcept(kid, at, publishUntil) {
      const sql =
        'UPDATE signing_keys SET retired_at = ?, publish_until = ? WHERE kid <> ? AND retired_at IS NULL'
      await db.run(sql, [millis(at), millis(publishUntil), kid])
    },
  }
}
