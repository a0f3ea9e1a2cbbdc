import type { Field, Row } from './columns.ts'
import type { SqlDriver, SqlValue } from './driver.ts'

/** Every field of the record `R`, each described once: its column(s) and how it converts. */
export type Fields<R> = { readonly [K in keyof R]-?: Field<R[K]> }

/**
 * One table as the stores see it, derived from its fields: the column list, the INSERT, a record's values in
 * column order, a record read back from a row, and the statements on one record by its primary key. SQL is
 * built once, at module load; the DDL stays in the migrations.
 */
export interface Table<R> {
  readonly name: string
  /** Every column, in the order of `insertSql`. */
  readonly columns: readonly string[]
  /** `INSERT INTO name (columns) VALUES (?, ...)`, for `valuesOf`. */
  readonly insertSql: string
  /** `key_column = ? AND ...`: the primary key's condition, for a statement on one record. */
  readonly keyCondition: string
  /** The record's column values, in the order of `insertSql`. */
  valuesOf(record: R): SqlValue[]
  insert(db: SqlDriver, record: R): Promise<void>
  /** Rewrites every column but the primary key's; false when no row has the record's key. */
  update(db: SqlDriver, record: R): Promise<boolean>
  /** The record with this primary key (its values in the key's order), or null. */
  get(db: SqlDriver, ...key: SqlValue[]): Promise<R | null>
  /** Deletes the record with this primary key; false when there was none. */
  delete(db: SqlDriver, ...key: SqlValue[]): Promise<boolean>
  /** The record of the first row `sql` returns, or null. */
  one(db: SqlDriver, sql: string, params?: readonly SqlValue[]): Promise<R | null>
  many(db: SqlDriver, sql: string, params?: readonly SqlValue[]): Promise<R[]>
  /** The record of a row that holds (at least) this table's columns. */
  read(row: Row): R
  /**
   * For a join that selects this table's row beside another's: its columns as `alias.column AS prefix_column`,
   * and the record read back from such a row.
   */
  joined(alias: string, prefix: string): { readonly columns: string; read(row: Row): R }
}

/**
 * The `create` and `get` of an aggregate whose port names its record by one key: the table's INSERT and its
 * SELECT by primary key. Stores spread it beside their own queries.
 */
export function createAndGet<R>(
  table: Table<R>,
  db: SqlDriver,
): { create(record: R): Promise<void>; get(key: string): Promise<R | null> } {
  return { create: (record) => table.insert(db, record), get: (key) => table.get(db, key) }
}

type Described<R> = readonly (readonly [keyof R, Field<unknown>])[]

export function table<R>(name: string, key: readonly (keyof R)[], fields: Fields<R>): Table<R> {
  const every = Object.entries(fields) as [keyof R, Field<unknown>][]
  const keyFields: Described<R> = key.map((field) => [field, fields[field]])
  const otherFields = every.filter(([field]) => !key.includes(field))
  const columnsOf = (part: Described<R>) => part.flatMap(([, field]) => field.columns)
  const columns = columnsOf(every)
  const keyCondition = columnsOf(keyFields)
    .map((column) => `${column} = ?`)
    .join(' AND ')
  const setOthers = columnsOf(otherFields).map((column) => `${column} = ?`)
  const insertSql = `INSERT INTO ${name} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`
  const updateSql = `UPDATE ${name} SET ${setOthers.join(', ')} WHERE ${keyCondition}`
  const getSql = `SELECT * FROM ${name} WHERE ${keyCondition}`
  const deleteSql = `DELETE FROM ${name} WHERE ${keyCondition}`

  const valuesIn = (part: Described<R>, record: R, values: SqlValue[] = []): SqlValue[] => {
    for (const [field, { write }] of part) write(record[field], values)
    return values
  }
  const valuesOf = (record: R): SqlValue[] => valuesIn(every, record)
  const fromRow = (row: Row): R => {
    const record: Partial<Record<keyof R, unknown>> = {}
    for (const [field, { read }] of every) record[field] = read(row)
    return record as R
  }
  const one = async (db: SqlDriver, sql: string, params?: readonly SqlValue[]): Promise<R | null> => {
    const row = await db.get<Row>(sql, params)
    return row ? fromRow(row) : null
  }
  return {
    name,
    columns,
    insertSql,
    keyCondition,
    valuesOf,
    insert: async (db, record) => void (await db.run(insertSql, valuesOf(record))),
    update: async (db, record) =>
      (await db.run(updateSql, valuesIn(keyFields, record, valuesIn(otherFields, record)))).changes > 0,
    get: (db, ...keyValues) => one(db, getSql, keyValues),
    delete: async (db, ...keyValues) => (await db.run(deleteSql, keyValues)).changes > 0,
    one,
    many: async (db, sql, params) => (await db.all<Row>(sql, params)).map(fromRow),
    read: fromRow,
    joined: (alias, prefix) => ({
      columns: columns.map((column) => `${alias}.${column} AS ${prefix}_${column}`).join(', '),
      read: (row) =>
        fromRow(Object.fromEntries(columns.map((column) => [column, row[`${prefix}_${column}`] ?? null]))),
    }),
  }
}
