import type { KeyStore } from '../../core/ports/stores.ts'
import { millis } from './columns.ts'
import type { SqlDriver } from './driver.ts'
import { signingKeys } from './tables.ts'

export function keyStore(db: SqlDriver): KeyStore {
  return {
    create: (key) => signingKeys.insert(db, key),
    listPublished(at) {
      const sql =
        'SELECT * FROM signing_keys WHERE publish_until IS NULL OR publish_until > ? ORDER BY created_at DESC, kid'
      return signingKeys.many(db, sql, [millis(at)])
    },
    async retireAllExcept(kid, at, publishUntil) {
      const sql =
        'UPDATE signing_keys SET retired_at = ?, publish_until = ? WHERE kid <> ? AND retired_at IS NULL'
      await db.run(sql, [millis(at), millis(publishUntil), kid])
    },
  }
}
