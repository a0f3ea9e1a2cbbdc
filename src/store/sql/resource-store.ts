import type { ResourceStore } from '../../core/ports/stores.ts'
import type { SqlDriver } from './driver.ts'
import { createAndGet } from './table.ts'
import { resources } from './tables.ts'

export function resourceStore(db: SqlDriver): ResourceStore {
  return {
    ...createAndGet(resources, db),
    list: () => resources.many(db, 'SELECT * FROM resources ORDER BY identifier'),
    delete: (identifier) => resources.delete(db, identifier),
  }
}
