import type { ConsumeResult } from '../../core/ports/stores.ts'
import type { SqlDriver, SqlValue } from './driver.ts'

type Statement = readonly [sql: string, params: readonly SqlValue[]]

/**
 * Single use: a conditional `UPDATE ... RETURNING` lets exactly one of any number of racers claim the row
 * (PostgreSQL re-checks the condition after a concurrent update commits; SQLite runs one statement at a time).
 * The losers only read the row to tell a reuse from a missing one.
 */
export async function claimOnce<Row, T>(
  db: SqlDriver,
  fromRow: (row: Row) => T,
  claim: Statement,
  lookup: Statement,
): Promise<ConsumeResult<T>> {
  const claimed = await db.get<Row>(...claim)
  if (claimed) return { kind: 'ok', record: fromRow(claimed) }
  const existing = await db.get<Row>(...lookup)
  return existing ? { kind: 'reused', record: fromRow(existing) } : { kind: 'missing' }
}
