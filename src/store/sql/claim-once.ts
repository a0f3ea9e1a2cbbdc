import type { ConsumeResult } from '../../core/ports/stores.ts'
import type { SqlDriver, SqlValue } from './driver.ts'
import type { Table } from './table.ts'

/**
 * Single use: a conditional `UPDATE ... SET set WHERE <key> AND unclaimed RETURNING *` lets exactly one of any
 * number of racers claim the row (PostgreSQL re-checks the condition after a concurrent update commits; SQLite
 * runs one statement at a time). The losers only read the row to tell a reuse from a missing one. The SQL is
 * built once; the claim takes the record's key, then the values of `set`'s placeholders.
 */
export function claimOnce<T>(records: Table<T>, set: string, unclaimed: string) {
  const sql = `UPDATE ${records.name} SET ${set} WHERE ${records.keyCondition} AND ${unclaimed} RETURNING *`
  return async (db: SqlDriver, key: SqlValue, ...setValues: SqlValue[]): Promise<ConsumeResult<T>> => {
    const claimed = await records.one(db, sql, [...setValues, key])
    if (claimed) return { kind: 'ok', record: claimed }
    const existing = await records.get(db, key)
    return existing ? { kind: 'reused', record: existing } : { kind: 'missing' }
  }
}
