import type { ResourceStore } from '../../core/ports/stores.ts'
import { createAndGet, deleteCascading, rows } from './schema.ts'
import type { Scope } from './scope.ts'

export function resourceStore(db: Scope): ResourceStore {
  return {
    ...createAndGet(db, 'resources'),
    list: () => db.run(rows('resources')),
    delete: (identifier) => db.run(deleteCascading('resources', identifier)),
  }
}
