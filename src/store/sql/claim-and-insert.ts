import type { Dialect, SqlDriver, SqlValue } from './driver.ts'
import type { Table } from './table.ts'

/** A row to insert: its table's INSERT and the record's values in column order. */
export interface Insert {
  readonly sql: string
  readonly values: readonly SqlValue[]
}

export function insertOf<R>(table: Table<R>, record: R): Insert {
  return { sql: table.insertSql, values: table.valuesOf(record) }
}

/** The statements on PostgreSQL, by the claim and inserts they combine: a handful of shapes, each built once. */
const statements = new Map<string, string>()

/** Thrown inside SQLite's transaction to roll back the inserts of a claim that found nothing to claim. */
class Unclaimed extends Error {}

/**
 * The claim of something single-use together with what it issues: `claim`, an `UPDATE … RETURNING` that matches
 * at most one row, and `inserts` only if it claimed. On PostgreSQL one statement (one round trip): a `WITH` whose
 * inserts select their values once per claimed row, their foreign keys checked at its end (so the claim may
 * refer to a row it inserts). SQLite (no INSERT in a WITH, no round trips to save) runs the inserts, then the
 * claim, in a transaction that a failed claim rolls back. True when it claimed.
 */
export async function claimAndInsert(
  db: SqlDriver,
  dialect: Dialect,
  claim: { readonly sql: string; readonly params: readonly SqlValue[] },
  inserts: readonly Insert[],
): Promise<boolean> {
  if (dialect === 'sqlite') {
    const claimed = db.transaction(async (tx) => {
      for (const insert of inserts) await tx.run(insert.sql, insert.values)
      if ((await tx.get(claim.sql, claim.params)) === undefined) throw new Unclaimed()
      return true
    })
    return claimed.catch((error: unknown) => {
      if (error instanceof Unclaimed) return false
      throw error
    })
  }
  const shape = [claim.sql, ...inserts.map((insert) => insert.sql)].join('\n')
  let sql = statements.get(shape)
  if (sql === undefined) {
    const selected = inserts.map(
      (insert, index) =>
        `, inserted${index} AS (${insert.sql.replace(' VALUES (', ' SELECT ').replace(/\)$/, ' FROM claimed')})`,
    )
    sql = `WITH claimed AS (${claim.sql})${selected.join('')} SELECT 1 FROM claimed`
    statements.set(shape, sql)
  }
  const params = [...claim.params, ...inserts.flatMap((insert) => insert.values)]
  return (await db.get(sql, params)) !== undefined
}
