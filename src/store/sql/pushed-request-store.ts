import type { PushedRequestStore } from '../../core/ports/stores.ts'
import { claimOnce } from './claim-once.ts'
import { millis } from './columns.ts'
import type { SqlDriver } from './driver.ts'
import { createAndGet } from './table.ts'
import { pushedRequests } from './tables.ts'

// RFC 9126 §4: a request_uri is used once; used_at records when.
const use = claimOnce(pushedRequests, 'used_at = ?', 'used_at IS NULL')

export function pushedRequestStore(db: SqlDriver): PushedRequestStore {
  return {
    ...createAndGet(pushedRequests, db),
    consume: (digest, at) => use(db, digest, millis(at)),
    async deleteExpired(before) {
      const sql = 'DELETE FROM pushed_authorization_requests WHERE expires_at < ?'
      return (await db.run(sql, [millis(before)])).changes
    },
  }
}
