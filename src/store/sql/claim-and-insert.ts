import type { Dialect, GatheredClaim, SqlDriver, SqlValue } from './driver.ts'
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

/**
 * A claim's form as one of many (PostgreSQL's pool only): `update`, the claim as `UPDATE … FROM input i … RETURNING
 * i.n`, where `i` has `columns` (name and type, the claim's parameters in order) and `n`, the input's ordinal.
 */
export interface ClaimOfMany {
  readonly update: string
  readonly columns: readonly (readonly [name: string, type: string])[]
  /** The claimed row's key: inputs with the same key go in different statements. */
  readonly key: string
}

/** A claim: `sql`, an `UPDATE … RETURNING` that matches at most one row, its `params`, and its form as one of many. */
export interface Claim {
  readonly sql: string
  readonly params: readonly SqlValue[]
  readonly ofMany?: ClaimOfMany
}

/** The gathered statements on PostgreSQL, by their shape, and the column names of each insert text. */
const gatheredStatements = new Map<string, string>()
const insertTargets = new Map<string, { table: string; columns: readonly string[] }>()

/** Thrown inside SQLite's transaction to roll back the inserts of a claim that found nothing to claim. */
class Unclaimed extends Error {}

/**
 * The claim of something single-use together with what it issues: `claim`, an `UPDATE … RETURNING` that matches
 * at most one row, and `inserts` only if it claimed. On PostgreSQL one statement (one round trip): a `WITH` whose
 * inserts select their values once per claimed row, their foreign keys checked at its end (so the claim may
 * refer to a row it inserts); on the pool, a claim that says how to go as one of many (`ofMany`) goes with the
 * turn's others of its shape (`SqlDriver.claimRow`). SQLite (no INSERT in a WITH, no round trips to save) runs the
 * inserts, then the claim, in a transaction that a failed claim rolls back. True when it claimed.
 */
export async function claimAndInsert(
  db: SqlDriver,
  dialect: Dialect,
  claim: Claim,
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
  if (claim.ofMany === undefined) return (await db.get(sql, params)) !== undefined
  return db.claimRow(sql, params, gatheredOf(shape, claim.params, claim.ofMany, inserts))
}

/**
 * The claim as one of a turn's (`SqlDriver.claimRow`): one `jsonb` parameter, an array of each claim's parameters
 * (`c`) and rows to insert (`i`, objects by column). The claim's parameters are typed by `ofMany.columns`, the rows
 * by their tables (jsonb_populate_record), so that no text depends on how many claims it carries.
 */
function gatheredOf(
  shape: string,
  params: readonly SqlValue[],
  ofMany: ClaimOfMany,
  inserts: readonly Insert[],
): GatheredClaim {
  let sql = gatheredStatements.get(shape)
  if (sql === undefined) {
    const typed = ofMany.columns.map(([name, type], index) => `(e.x->'c'->>${index})::${type} AS ${name}`)
    const selected = inserts.map(({ sql: insertSql }, index) => {
      const { table, columns } = insertParts(insertSql)
      const values = columns.map((column) => `r.${column}`).join(', ')
      return `, inserted${index} AS (INSERT INTO ${table} (${columns.join(', ')}) SELECT ${values}
        FROM input i JOIN claimed USING (n), jsonb_populate_record(NULL::${table}, i.x->'i'->${index}) r)`
    })
    sql = `WITH input AS (SELECT e.n, e.x, ${typed.join(', ')}
        FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS e(x, n)),
      claimed AS (${ofMany.update})${selected.join('')} SELECT n FROM claimed`
    gatheredStatements.set(shape, sql)
  }
  const rows = inserts.map(({ sql: insertSql, values }) =>
    Object.fromEntries(insertParts(insertSql).columns.map((column, index) => [column, values[index]])),
  )
  return { sql, key: ofMany.key, input: { c: params, i: rows } }
}

/** The table and columns of a single-row `INSERT INTO table (columns) VALUES (…)`, parsed once per text. */
function insertParts(sql: string): { table: string; columns: readonly string[] } {
  let target = insertTargets.get(sql)
  if (target === undefined) {
    const parts = /^INSERT INTO (\w+) \(([^()]+)\) VALUES /.exec(sql)
    if (parts === null) throw new Error(`Not a single-row INSERT … VALUES (…): ${sql}`)
    target = { table: parts[1]!, columns: parts[2]!.split(', ') }
    insertTargets.set(sql, target)
  }
  return target
}
