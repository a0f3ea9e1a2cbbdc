import type { KeyStore } from '../../core/ports/stores.ts'
import { insert, rows } from './schema.ts'
import { type Scope, updateWhere } from './scope.ts'

export function keyStore(db: Scope): KeyStore {
  return {
    create: (key) => db.run(insert('keys', key)),
    // Newest first (the table's order).
    listPublished: (at) =>
      db.run(rows('keys', (key) => key.publishUntil === null || key.publishUntil.getTime() > at.getTime())),
    retireAllExcept: (kid, at, publishUntil) =>
      db.run(({ keys }, journal) => {
        updateWhere(
          journal,
          keys,
          (key) => key.kid !== kid && key.retiredAt === null,
          (key) => ({ ...key, retiredAt: at, publishUntil }),
        )
      }),
  }
}
